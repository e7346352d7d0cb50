package io.skiff.controller;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.skiff.store.Json;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Request bodies: JSON objects, or form-encoded fields (as Deis's tests send), read into one
 * ObjectNode. Field readers check types and produce DRF-shaped field errors.
 */
public final class Body {
  private Body() {}

  public static ObjectNode parse(String text, boolean formEncoded) {
    if (text == null || text.isBlank()) return JsonNodeFactory.instance.objectNode();
    ObjectNode body = formEncoded ? parseForm(text) : parseJson(text);
    TextGuard.check(body);
    return body;
  }

  /** No request of the API nests deeper; a deeper body is refused before anything walks it. */
  static final int MAX_DEPTH = 32;

  private static ObjectNode parseJson(String text) {
    JsonNode node;
    try {
      checkDepth(text);
      node = Json.MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw ApiError.badRequest("JSON parse error - " + e.getOriginalMessage());
    }
    if (node == null || node.isNull() || node.isMissingNode()) return JsonNodeFactory.instance.objectNode();
    if (!node.isObject()) {
      throw ApiError.field("non_field_errors", "Invalid data. Expected a dictionary, but got " + kind(node) + ".");
    }
    return (ObjectNode) node;
  }

  /** One streaming pass counting nesting, so no recursive walk of the tree can overflow the stack. */
  private static void checkDepth(String text) throws JsonProcessingException {
    try (com.fasterxml.jackson.core.JsonParser p = Json.MAPPER.getFactory().createParser(text)) {
      int depth = 0;
      for (com.fasterxml.jackson.core.JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        if (t.isStructStart() && ++depth > MAX_DEPTH) {
          throw ApiError.badRequest("JSON parse error - nested deeper than " + MAX_DEPTH + " levels");
        }
        if (t.isStructEnd()) depth--;
      }
    } catch (JsonProcessingException e) {
      throw e;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static ObjectNode parseForm(String text) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    for (String pair : text.split("&")) {
      if (pair.isEmpty()) continue;
      int eq = pair.indexOf('=');
      try {
        String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        out.put(k, v);
      } catch (IllegalArgumentException e) {
        throw ApiError.badRequest("The form body is malformed: " + e.getMessage().replaceFirst("^URLDecoder: ", ""));
      }
    }
    return out;
  }

  static String kind(JsonNode n) {
    if (n.isArray()) return "list";
    if (n.isObject()) return "dict";
    if (n.isBoolean()) return "bool";
    if (n.isNumber()) return "number";
    if (n.isNull()) return "null";
    return "str";
  }

  /** A required, non-blank string field (numbers are accepted as their text, as DRF does). */
  public static String required(ObjectNode body, String field) {
    String v = optional(body, field);
    if (v == null) throw ApiError.field(field, "This field is required.");
    if (v.isBlank()) throw ApiError.field(field, "This field may not be blank.");
    return v;
  }

  /** An optional string field; null when absent. JSON null counts as absent. */
  public static String optional(ObjectNode body, String field) {
    JsonNode n = body.get(field);
    if (n == null || n.isNull()) return null;
    if (n.isTextual()) return n.textValue();
    if (n.isNumber()) return n.asText();
    throw ApiError.field(field, "Not a valid string.");
  }

  public static String maxLength(String field, String value, int max) {
    if (value != null && value.length() > max) {
      throw ApiError.field(field, "Ensure this field has no more than " + max + " characters.");
    }
    return value;
  }
}
