package io.skiff.builder;

import static io.skiff.builder.DockerfileFroms.references;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The images a Dockerfile reads, as Docker's parser finds them. */
class DockerfileFromsTest {
  private static final String VICTIM = "127.0.0.1:5000/victim:v3";

  @Test
  void plainFromsInEveryStage() {
    assertEquals(List.of("skiff/busybox:latest"), references("FROM skiff/busybox:latest\nCMD [\"sh\"]\n"));
    assertEquals(List.of("golang:1.22", VICTIM), references("FROM golang:1.22 AS build\nRUN go build\nFROM " + VICTIM + "\nCOPY --from=build /x /x\n"));
    assertEquals(List.of(VICTIM), references("from " + VICTIM));
    assertEquals(List.of(VICTIM), references("  From\t" + VICTIM + "  as  final  \n"));
    assertEquals(List.of(), references("FROM scratch\nCOPY x /\n"));
    assertEquals(List.of(), references(""));
  }

  @Test
  void stageNamesAreNotImagesButOnlyOnceDefined() {
    assertEquals(List.of("alpine"), references("FROM alpine AS base\nFROM base AS two\nFROM Two\n"));
    assertEquals(List.of("base", "alpine"), references("FROM base\nFROM alpine AS base\n"));
    assertEquals(List.of("alpine"), references("FROM alpine AS b\nFROM alpine\nCOPY --from=b / /\nCOPY --from=0 / /\n"));
  }

  @Test
  void flagsAreSkipped() {
    assertEquals(List.of(VICTIM), references("FROM --platform=linux/amd64 " + VICTIM + " AS x\n"));
    assertEquals(List.of(VICTIM), references("FROM --platform=$BUILDPLATFORM " + VICTIM + "\n"));
  }

  @Test
  void argDefaultsDeclaredBeforeTheFirstFromAreSubstituted() {
    assertEquals(List.of(VICTIM), references("ARG BASE=" + VICTIM + "\nFROM ${BASE}\n"));
    assertEquals(List.of(VICTIM), references("ARG BASE=" + VICTIM + "\nFROM $BASE\n"));
    assertEquals(List.of(VICTIM), references("ARG REG=127.0.0.1:5000\nARG IMG=${REG}/victim\nFROM $IMG:v3\n"));
    assertEquals(List.of(VICTIM), references("ARG REG=127.0.0.1:5000 APP=victim\nFROM ${REG}/${APP}:v3\n"));
    assertEquals(List.of(VICTIM), references("arg BASE=\"" + VICTIM + "\"\nFROM \"${BASE}\"\n"));
    assertEquals(List.of(VICTIM), references("ARG BASE\nFROM ${BASE:-" + VICTIM + "}\n"));
    assertEquals(List.of(VICTIM), references("ARG SET=1\nFROM ${SET:+" + VICTIM + "}\n"));
    assertEquals(List.of(VICTIM), references("FROM ${UNDECLARED:-127.0.0.1:5000}/victim:v3\n"));
    assertEquals(List.of("127.0.0.1:5000/victim"), references("ARG EMPTY\nFROM 127.0.0.1:5000/victim${EMPTY}\n"));
    // A stage's ARG does not reach a later FROM: only the global one (none here) does.
    assertEquals(List.of("alpine", ""), references("FROM alpine\nARG BASE=" + VICTIM + "\nFROM ${BASE}\n"));
    assertEquals(List.of("$X"), references("ARG '$X'=1\nFROM '$X'\n"));
  }

  @Test
  void lineContinuationsCommentsAndTheEscapeDirective() {
    assertEquals(List.of(VICTIM), references("FROM 127.0.0.1:5000/\\\n# a comment\n\nvictim:v3\n"));
    assertEquals(List.of(VICTIM), references("FROM \\  \n  127.0.0.1:5000/victim:v3\r\n"));
    assertEquals(List.of(VICTIM), references("# escape=`\nFROM 127.0.0.1:5000/`\nvictim:v3\n"));
    assertEquals(List.of(), references("# FROM " + VICTIM + "\n   # FROM " + VICTIM + "\n"));
    assertEquals(List.of(VICTIM), references("\uFEFFFROM " + VICTIM + "\n"));
    assertEquals(List.of(VICTIM), references("FROM 127.0.0.1:5000/vic\\tim:v3\n"));
    assertEquals(List.of(VICTIM), references("FROM 127.0.0.1:5000/vic'tim':v3\n"));
  }

  @Test
  void syntaxDirectiveCopyFromMountFromAndOnbuild() {
    assertEquals(List.of(VICTIM, "alpine"), references("# syntax=" + VICTIM + "\nFROM alpine\n"));
    assertEquals(List.of("alpine", VICTIM), references("FROM alpine\nCOPY --from=" + VICTIM + " / /loot\n"));
    assertEquals(List.of("alpine", VICTIM), references("FROM alpine\ncopy --chown=1 --from=" + VICTIM + " / /loot\n"));
    assertEquals(List.of("alpine", VICTIM), references("FROM alpine\nRUN --mount=type=bind,from=" + VICTIM + ",target=/v cat /v/x\n"));
    assertEquals(List.of("alpine", VICTIM), references("FROM alpine\nONBUILD COPY --from=" + VICTIM + " / /loot\n"));
    assertEquals(List.of("alpine", VICTIM), references("FROM alpine\nENV SRC=" + VICTIM + "\nCOPY --from=$SRC / /\n"));
    assertEquals(List.of("alpine", VICTIM), references("FROM alpine\nENV A=127.0.0.1:5000 B=victim\nENV SRC=${A}/${B}:v3\nCOPY --from=$SRC / /\n"));
    assertEquals(List.of("alpine", VICTIM), references("FROM alpine\nENV SRC " + VICTIM + "\nCOPY --from=$SRC / /\n"));
  }

  @Test
  void whatCannotBeResolvedBeforeTheBuildIsReturnedAsWritten() {
    // The base image's ENV may set SRC; a stage ARG may be overridden by it.
    assertEquals(List.of("alpine", "$SRC"), references("FROM alpine\nCOPY --from=$SRC / /\n"));
    assertEquals(List.of("alpine", "$SRC"), references("ARG SRC=" + VICTIM + "\nFROM alpine\nENV SRC=${SRC:-x}\nCOPY --from=$SRC / /\n"));
    assertEquals(List.of("alpine", "${SRC}"), references("FROM alpine\nARG SRC=" + VICTIM + "\nCOPY --from=${SRC} / /\n"));
    assertEquals(List.of("${BASE%:*}"), references("ARG BASE=" + VICTIM + "\nFROM ${BASE%:*}\n"));
    assertEquals(List.of("alpine", "5"), references("FROM alpine\nCOPY --from=5 / /\n"));
  }

  @Test
  void addUrlsAreFoundWithTheirHostsResolved() {
    String manifest = "http://127.0.0.1:5000/v2/victim/manifests/v3";
    assertEquals(List.of(manifest), DockerfileFroms.addUrls("FROM alpine\nADD " + manifest + " /m\n"));
    assertEquals(List.of(manifest), DockerfileFroms.addUrls("FROM alpine\nENV R=127.0.0.1:5000\nADD --chown=1 http://${R}/v2/victim/manifests/v3 /m\n"));
    assertEquals(List.of(manifest), DockerfileFroms.addUrls("FROM alpine\nADD [\"" + manifest + "\", \"/m\"]\n"));
    assertEquals(List.of(manifest), DockerfileFroms.addUrls("FROM alpine\nONBUILD ADD " + manifest + " /m\n"));
    assertEquals(List.of("http://$R/v2/x"), DockerfileFroms.addUrls("FROM alpine\nADD http://$R/v2/x /m\n"));
    assertEquals(List.of("$URL"), DockerfileFroms.addUrls("FROM alpine\nADD $URL /m\n"));
    assertEquals(List.of("http://127.0.0.1:5000/v2/"), DockerfileFroms.addUrls("FROM alpine\nADD http://127.0.0.1:5000/v2/${X} /m\n"));
    assertEquals(List.of(), DockerfileFroms.addUrls("FROM alpine\nARG V=1\nADD app-${V}.tar.gz local.txt /app/\nCOPY http://x/y /z\n"));
  }
}
