package io.skiff.domain;

import io.skiff.CborSerializable;
import java.util.Map;

/**
 * A validated config change. A key mapped to null unsets it. Maps may be null when the request
 * did not mention that section. Validation lives in {@code controller.ConfigValidation}.
 */
public record ConfigPatch(
    Map<String, String> values,
    Map<String, String> memory,
    Map<String, Integer> cpu,
    Map<String, String> tags)
    implements CborSerializable {}
