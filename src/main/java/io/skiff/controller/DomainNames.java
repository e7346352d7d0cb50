package io.skiff.controller;

import java.util.regex.Pattern;

/** Custom domain rules (Deis's DomainSerializer.validate_domain). */
public final class DomainNames {
  private static final Pattern LABEL = Pattern.compile("^(?!-)[a-z0-9-]{1,63}(?<!-)$", Pattern.CASE_INSENSITIVE);

  private DomainNames() {}

  /** Returns the domain with one trailing dot removed, or throws a 400 naming the field. */
  public static String validate(String value) {
    if (value.length() > 255) throw ApiError.field("domain", "Hostname must be 255 characters or less.");
    String domain = value.endsWith(".") ? value.substring(0, value.length() - 1) : value;
    String[] labels = domain.split("\\.", -1);
    if (labels[0].equals("*")) {
      throw ApiError.field("domain", "Adding a wildcard subdomain is currently not supported.");
    }
    boolean xip = domain.contains("xip.io");
    for (String label : labels) {
      boolean bad = !LABEL.matcher(label).matches() || label.contains("--");
      if (!xip) {
        bad = bad || label.chars().allMatch(Character::isDigit)
            || (labels.length == 1 && label.chars().anyMatch(Character::isDigit));
      }
      if (bad) throw ApiError.field("domain", "Hostname does not look valid.");
    }
    return domain;
  }
}
