package io.skiff.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** certs, certs:add, certs:remove: your TLS certificates for custom domains (served by SNI). */
final class CertsCommands {
  private CertsCommands() {}

  @picocli.CommandLine.Command(name = "certs", aliases = "certs:list", description = "Your TLS certificates: common name and expiry")
  static final class ListCerts extends Command {
    @Option(names = "--json", description = "print the API's JSON")
    boolean json;

    ListCerts(CliEnv env) {
      super(env);
    }

    @Override
    int run() {
      JsonNode certs = api().get("/v1/certs?page_size=1000").path("results");
      int width = 0;
      for (JsonNode c : certs) width = Math.max(width, c.path("common_name").asText().length());
      String format = "%-" + Math.max(width, 1) + "s %s";
      return printList(json, certs, "=== Certificates",
          c -> String.format(format, c.path("common_name").asText(), "expires " + c.path("expires").asText()));
    }
  }

  @picocli.CommandLine.Command(name = "certs:add",
      description = "Upload a certificate (PEM) and its private key (PEM) for a custom domain: its common name, or --common-name")
  static final class Add extends Command {
    @Parameters(index = "0", paramLabel = "CERT_FILE")
    Path certFile;

    @Parameters(index = "1", paramLabel = "KEY_FILE")
    Path keyFile;

    @Option(names = {"--common-name", "--domain"}, paramLabel = "DOMAIN", description = "the domain it is for (default: the certificate's common name)")
    String commonName;

    Add(CliEnv env) {
      super(env);
    }

    @Override
    int run() {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("certificate", read(certFile));
      body.put("key", read(keyFile));
      if (commonName != null) body.put("common_name", commonName);
      begin("Adding SSL certificate" + (commonName == null ? "" : " for " + commonName));
      JsonNode cert = api().post("/v1/certs", body);
      print("done, " + cert.path("common_name").asText() + " (expires " + cert.path("expires").asText() + ")");
      return 0;
    }

    private String read(Path file) {
      Path p = env.cwd().resolve(file);
      try {
        return Files.readString(p);
      } catch (IOException e) {
        throw new CliError("cannot read " + p + ": " + (e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.getMessage()));
      }
    }
  }

  @picocli.CommandLine.Command(name = "certs:remove", description = "Remove one of your certificates by its common name")
  static final class Remove extends Command {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    Remove(CliEnv env) {
      super(env);
    }

    @Override
    int run() {
      begin("Removing " + name);
      api().delete("/v1/certs/" + Paths.segment(name), null);
      print("done");
      return 0;
    }
  }
}
