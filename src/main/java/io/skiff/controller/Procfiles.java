package io.skiff.controller;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.skiff.store.Json;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/** Procfiles given to the API as a dict or a JSON string of one: process type to command. */
public final class Procfiles {
  private static final Pattern TYPE = Pattern.compile("^[A-Za-z0-9_-]{1,63}$");

  private Procfiles() {}

  public static Map<String, String> fromJson(JsonNode node) {
    if (node == null || node.isNull()) return Map.of();
    if (node.isTextual()) {
      if (node.textValue().isBlank()) return Map.of();
      try {
        node = Json.MAPPER.readTree(node.textValue());
      } catch (JsonProcessingException e) {
        throw ApiError.field("procfile", "Expected a dictionary or a JSON string of one");
      }
    }
    if (node == null || !node.isObject()) throw ApiError.field("procfile", "Expected a dictionary or a JSON string of one");
    Map<String, String> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!TYPE.matcher(e.getKey()).matches()) {
        throw ApiError.field("procfile", "Process type " + e.getKey() + " may only contain letters, digits, '-' and '_'");
      }
      if (!e.getValue().isTextual() || e.getValue().textValue().isBlank()) {
        throw ApiError.field("procfile", "The command of process type " + e.getKey() + " must be a non-empty string");
      }
      TextGuard.problem(e.getValue().textValue()).ifPresent(problem -> {
        throw ApiError.field("procfile", problem);
      });
      out.put(e.getKey(), e.getValue().textValue());
    }
    return out;
  }
}
