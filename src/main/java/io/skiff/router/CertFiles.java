package io.skiff.router;

import java.nio.file.Path;

/** The two files nginx reads one domain's certificate from. */
record CertFiles(Path certificate, Path key) {}
