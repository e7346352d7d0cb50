package io.skiff.controller;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Custom domain rules: Deis's DomainSerializer.validate_domain, plus two of Skiff's own.
 *
 * <ul>
 *   <li>At most {@value #MAX_LENGTH} characters without the trailing dot (DNS's limit; labels
 *       are at most 63 as in Deis). The router's nginx config is sized for the longest such name
 *       (see {@code NginxConfig}), so no valid domain can make it invalid.
 *   <li>Nothing equal to or under the platform domain ({@code skiff.platform-domain}): those
 *       names are the platform's ({@code <app>.<platform domain>}, the controller at {@code
 *       deis.<platform domain>}, the apex), whether or not an app of that name exists yet; nor
 *       {@code localhost} or a name under it. Compared case-insensitively, trailing dot ignored.
 * </ul>
 */
public final class DomainNames {
  /** The longest domain accepted, as in DNS (RFC 1035: 255 octets on the wire, 253 as text). */
  public static final int MAX_LENGTH = 253;
  private static final Pattern LABEL = Pattern.compile("^(?!-)[a-z0-9-]{1,63}(?<!-)$", Pattern.CASE_INSENSITIVE);

  private DomainNames() {}

  /**
   * Returns the domain with one trailing dot removed, or throws a 400 naming the field.
   *
   * @param platformDomain the platform domain; names equal to it or under it are refused
   */
  public static String validate(String value, String platformDomain) {
    if (value.length() > 255) throw ApiError.field("domain", "Hostname must be 255 characters or less.");
    String domain = value.endsWith(".") ? value.substring(0, value.length() - 1) : value;
    if (domain.length() > MAX_LENGTH) {
      throw ApiError.field("domain", "Hostname must be " + MAX_LENGTH + " characters or less.");
    }
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
    String platform = normalise(platformDomain);
    if (isUnder(domain, platform)) {
      throw ApiError.field("domain", "The domain " + domain + " is reserved: names under " + platform + " belong to the platform.");
    }
    if (isUnder(domain, "localhost")) throw ApiError.field("domain", "The domain " + domain + " is reserved.");
    return domain;
  }

  /** True when {@code domain} is {@code parent} or a name under it, ignoring case and one trailing dot. */
  public static boolean isUnder(String domain, String parent) {
    String d = normalise(domain);
    String p = normalise(parent);
    return !p.isEmpty() && (d.equals(p) || d.endsWith("." + p));
  }

  private static String normalise(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
  }
}
