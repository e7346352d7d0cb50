package io.skiff.controller;

import akka.util.ByteString;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * Text that PostgreSQL, Docker and the cluster's serialisers can all carry: well-formed UTF-8
 * without NUL characters. A request body that is not UTF-8, a string (or key) with a NUL or an
 * unpaired surrogate (JSON's {@code "\ud800"}), or a path or query with a NUL is a 400 naming
 * where it was, before any handler runs, so nothing of it is stored or sent on.
 */
public final class TextGuard {
  private TextGuard() {}

  /** The body as text; a 400 if it is not well-formed UTF-8. */
  public static String utf8(ByteString bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toArrayUnsafe()))
          .toString();
    } catch (CharacterCodingException e) {
      throw ApiError.badRequest("The request body is not valid UTF-8.");
    }
  }

  /** What is wrong with a string, if anything. */
  public static Optional<String> problem(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == 0) return Optional.of("Null characters are not allowed.");
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
          continue;
        }
        return Optional.of("Invalid Unicode: an unpaired surrogate.");
      }
      if (Character.isLowSurrogate(c)) return Optional.of("Invalid Unicode: an unpaired surrogate.");
    }
    return Optional.empty();
  }

  /** Checks every key and string in a parsed body; a bad one is a 400 on the top-level field it is under. */
  public static void check(JsonNode body) {
    for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String field = problem(e.getKey()).isPresent() ? "non_field_errors" : e.getKey();
      Optional<String> bad = problem(e.getKey()).or(() -> firstProblem(e.getValue()));
      if (bad.isPresent()) throw ApiError.field(field, bad.get());
    }
  }

  private static Optional<String> firstProblem(JsonNode node) {
    if (node.isTextual()) return problem(node.textValue());
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        Optional<String> bad = problem(e.getKey()).or(() -> firstProblem(e.getValue()));
        if (bad.isPresent()) return bad;
      }
    }
    if (node.isArray()) {
      for (JsonNode item : node) {
        Optional<String> bad = firstProblem(item);
        if (bad.isPresent()) return bad;
      }
    }
    return Optional.empty();
  }
}
