package io.skiff.controller;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.skiff.domain.ConfigPatch;
import io.skiff.domain.HealthCheck;
import io.skiff.runtime.ContainerSpec;
import io.skiff.store.Json;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

/**
 * Reads a config change ({@code values}, {@code memory}, {@code cpu}, {@code tags}; each a dict or
 * a JSON string of one; null unsets a key) with the Deis validation rules and messages, plus the
 * bounds Docker and the scheduler need: memory 6M..1024G, cpu 0..1024, and the HEALTHCHECK_*
 * values (see {@link HealthCheck#problem}).
 */
public final class ConfigValidation {
  private static final Pattern CONFIG_KEY = Pattern.compile("^[a-z_]+[a-z0-9_]*$", Pattern.CASE_INSENSITIVE);
  private static final Pattern PROC_TYPE = Pattern.compile("^[a-z]+");
  private static final Pattern MEMORY = Pattern.compile("^[0-9]+(MB|KB|GB|[BKMG])$", Pattern.CASE_INSENSITIVE);
  private static final Pattern CPU = Pattern.compile("^-?[0-9]+$");
  private static final Pattern TAG_KEY = Pattern.compile("^[A-Za-z]+$");
  private static final Pattern TAG_VALUE = Pattern.compile("^\\w+$", Pattern.UNICODE_CHARACTER_CLASS);
  private static final int MAX_KEY = 256;
  private static final int MAX_VALUE = 64 * 1024;

  private ConfigValidation() {}

  public static ConfigPatch parse(ObjectNode body) {
    Map<String, List<String>> errors = new LinkedHashMap<>();
    Map<String, String> values = section(body, "values", errors, ConfigValidation::value);
    Map<String, String> memory = section(body, "memory", errors, ConfigValidation::memory);
    Map<String, String> cpuText = section(body, "cpu", errors, ConfigValidation::cpu);
    Map<String, String> tags = section(body, "tags", errors, ConfigValidation::tag);
    if (!errors.isEmpty()) throw ApiError.fields(errors);
    Map<String, Integer> cpu = null;
    if (cpuText != null) {
      cpu = new HashMap<>();
      for (Map.Entry<String, String> e : cpuText.entrySet()) {
        cpu.put(e.getKey(), e.getValue() == null ? null : Integer.valueOf(e.getValue()));
      }
    }
    return new ConfigPatch(values, memory, cpu, tags);
  }

  /** Reads one section; the checker returns an error message for a bad (key, value), or null. */
  private static Map<String, String> section(
      ObjectNode body, String field, Map<String, List<String>> errors, BiFunction<String, String, String> check) {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) return null;
    if (node.isTextual()) {
      try {
        node = Json.MAPPER.readTree(node.textValue());
      } catch (JsonProcessingException e) {
        errors.put(field, List.of("Expected a dictionary or a JSON string of one"));
        return null;
      }
    }
    if (node == null || !node.isObject()) {
      errors.put(field, List.of("Expected a dictionary or a JSON string of one"));
      return null;
    }
    Map<String, String> out = new HashMap<>();
    List<String> problems = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode v = e.getValue();
      if (v.isObject() || v.isArray() || v.isBoolean()) {
        problems.add("Value of " + e.getKey() + " must be a string or a number");
        continue;
      }
      String text = v.isNull() ? null : v.asText();
      String problem = TextGuard.problem(e.getKey()).or(() -> text == null ? Optional.empty() : TextGuard.problem(text)).orElse(null);
      if (problem == null) problem = e.getKey().length() > MAX_KEY ? "Config keys may have at most " + MAX_KEY + " characters"
          : text != null && text.length() > MAX_VALUE ? "Config values may have at most " + MAX_VALUE + " characters"
          : check.apply(e.getKey(), text);
      if (problem != null) problems.add(problem);
      else out.put(e.getKey(), text);
    }
    if (!problems.isEmpty()) errors.put(field, problems);
    return out;
  }

  private static String value(String key, String value) {
    if (!CONFIG_KEY.matcher(key).matches()) return "Config keys must start with a letter or underscore and only contain [A-z0-9_]";
    return HealthCheck.problem(key, value);
  }

  private static String memory(String key, String value) {
    if (!PROC_TYPE.matcher(key).lookingAt()) return "Process types can only contain [a-z]";
    if (value == null) return null;
    if (!MEMORY.matcher(value).matches()) return "Limit format: <number><unit>, where unit = B, K, M or G";
    try {
      ContainerSpec.bytes(value); // overflowing, under Docker's minimum or over the maximum
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  private static String cpu(String key, String value) {
    if (!PROC_TYPE.matcher(key).lookingAt()) return "Process types can only contain [a-z]";
    if (value == null) return null;
    if (!CPU.matcher(value).matches()) return "CPU shares must be an integer";
    String digits = value.replaceFirst("^(-?)0+(?=.)", "$1");
    if (digits.startsWith("-") || digits.length() > 4 || Integer.parseInt(digits) > ContainerSpec.MAX_CPU_SHARES) {
      return "CPU shares must be between " + ContainerSpec.MIN_CPU_SHARES + " and " + ContainerSpec.MAX_CPU_SHARES;
    }
    return null;
  }

  private static String tag(String key, String value) {
    if (!TAG_KEY.matcher(key).matches()) return "Tag keys can only contain [a-z]";
    if (value != null && !TAG_VALUE.matcher(value).matches()) return "Invalid tag value";
    return null;
  }
}
