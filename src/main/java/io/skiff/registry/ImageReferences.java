package io.skiff.registry;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Which images an app may build and run from: its own repository in the platform registry, or
 * images from outside it. A reference is read as Docker reads it, so that every spelling of the
 * platform registry (host aliases, other names of the node's addresses, a port with leading
 * zeros, upper-case host names) is recognised; a reference that Docker could take for the ID of
 * an image cached on the node (any hexadecimal string, with or without {@code sha256:}) is
 * refused, since such an ID can name another app's image without naming its repository.
 */
public final class ImageReferences {
  /** A reference as Docker normalises it: registry ({@code docker.io} when none), path, tag (may be null), digest (may be null). */
  public record Ref(String registry, String path, String tag, String digest) {
    /** The name as Docker lists it in RepoTags and RepoDigests ({@code docker.io/library/} left out). */
    public String familiarName() {
      if (!registry.equals(DOCKER_HUB)) return registry + "/" + path;
      return path.startsWith("library/") ? path.substring("library/".length()) : path;
    }
  }

  /** An image present in the node's Docker: its tags and digests as Docker lists them. */
  public record LocalImage(List<String> repoTags, List<String> repoDigests) {}

  /** Looks a reference up in the node's Docker the way {@code docker inspect} resolves it. */
  @FunctionalInterface
  public interface LocalImages {
    Optional<LocalImage> find(String reference);

    LocalImages NONE = ref -> Optional.empty();
  }

  static final String DOCKER_HUB = "docker.io";
  private static final Pattern IMAGE_ID = Pattern.compile("(sha256:)?[0-9a-f]{1,64}");
  private static final Pattern DOMAIN = Pattern.compile(
      "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\\[[0-9a-fA-F:.%]+\\])(?::[0-9]+)?");
  private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
  private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
  private static final Pattern DIGEST = Pattern.compile("[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[0-9a-fA-F]{32,}");

  private final List<String> endpoints;
  private final String registry;
  private final String registryHost;
  private final int registryPort;
  private final Function<String, List<InetAddress>> resolver;
  private final Predicate<InetAddress> isNodeAddress;

  /**
   * @param registryAddress the platform registry as configured ({@code skiff.registry.address})
   * @param resolver the addresses a host name stands for (empty if it resolves to none)
   * @param isNodeAddress whether an address is one of this node's own
   */
  public ImageReferences(String registryAddress, Function<String, List<InetAddress>> resolver, Predicate<InetAddress> isNodeAddress) {
    this(registryAddress, List.of(), resolver, isNodeAddress);
  }

  /**
   * @param endpoints the other host:port the platform registry answers on (registry nodes sharing
   *     its storage, {@code skiff.registry.endpoints}): references to them are the platform
   *     registry's too
   */
  public ImageReferences(String registryAddress, List<String> endpoints, Function<String, List<InetAddress>> resolver,
      Predicate<InetAddress> isNodeAddress) {
    this.endpoints = List.copyOf(endpoints);
    this.registry = registryAddress;
    this.registryHost = host(registryAddress);
    this.registryPort = port(registryAddress);
    this.resolver = resolver;
    this.isNodeAddress = isNodeAddress;
  }

  /** With the system's resolver and this machine's interfaces. */
  public static ImageReferences system(String registryAddress) {
    return system(registryAddress, List.of());
  }

  /** With the system's resolver and this machine's interfaces, and the registry's other endpoints. */
  public static ImageReferences system(String registryAddress, List<String> endpoints) {
    return new ImageReferences(registryAddress, endpoints, ImageReferences::resolve, ImageReferences::isLocal);
  }

  /** Reads a reference as Docker does; empty if Docker would not accept it as an image name. */
  public static Optional<Ref> parse(String reference) {
    if (reference == null || reference.isEmpty() || reference.length() > 512) return Optional.empty();
    String rest = reference;
    String digest = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      digest = rest.substring(at + 1);
      rest = rest.substring(0, at);
      if (!DIGEST.matcher(digest).matches()) return Optional.empty();
    }
    String tag = null;
    int colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/')) {
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
      if (!TAG.matcher(tag).matches()) return Optional.empty();
    }
    if (rest.isEmpty() || rest.length() > 255) return Optional.empty();
    String domain;
    String path;
    int slash = rest.indexOf('/');
    String first = slash < 0 ? rest : rest.substring(0, slash);
    if (slash < 0 || (first.indexOf('.') < 0 && first.indexOf(':') < 0 && !first.equals("localhost")
        && first.toLowerCase(Locale.ROOT).equals(first))) {
      domain = DOCKER_HUB;
      path = rest;
    } else {
      domain = first;
      path = rest.substring(slash + 1);
      if (!DOMAIN.matcher(domain).matches()) return Optional.empty();
    }
    if (domain.equals("index.docker.io")) domain = DOCKER_HUB;
    if (domain.equals(DOCKER_HUB) && path.indexOf('/') < 0) path = "library/" + path;
    for (String component : path.split("/", -1)) {
      if (!COMPONENT.matcher(component).matches()) return Optional.empty();
    }
    return Optional.of(new Ref(domain, path, tag, digest));
  }

  /** Whether Docker could take the reference for the ID, or an ID prefix, of a local image. */
  public static boolean looksLikeImageId(String reference) {
    return IMAGE_ID.matcher(reference).matches();
  }

  /** Whether a registry ({@code host[:port]} as in a reference) is the platform registry. */
  public boolean isPlatformRegistry(String domain) {
    if (domain.equals(DOCKER_HUB)) return false;
    if (port(domain) == registryPort && isPlatformHost(host(domain))) return true;
    for (String endpoint : endpoints) {
      if (port(domain) == port(endpoint) && sameHost(host(domain), host(endpoint))) return true;
    }
    return false;
  }

  private boolean sameHost(String a, String b) {
    if (a.equals(b)) return true;
    List<InetAddress> of = resolver.apply(b);
    return resolver.apply(a).stream().anyMatch(of::contains);
  }

  /** Whether a host name or address (lower case, no brackets) is the platform registry's host or one of this node's addresses. */
  public boolean isPlatformHost(String host) {
    if (host.equals(registryHost) || host.equals("localhost") || host.endsWith(".localhost")) return true;
    List<InetAddress> addresses = resolver.apply(host);
    if (addresses.stream().anyMatch(isNodeAddress)) return true;
    List<InetAddress> registryAddresses = resolver.apply(registryHost);
    if (addresses.stream().anyMatch(registryAddresses::contains)) return true;
    for (String endpoint : endpoints) {
      if (sameHost(host, host(endpoint))) return true;
    }
    return false;
  }

  /** Why {@code app} may not use {@code reference} (as an API build's image or a Dockerfile's base), if it may not. */
  public Optional<String> check(String app, String reference) {
    return check(app, reference, LocalImages.NONE);
  }

  /** As {@link #check(String, String)}, and also refusing a reference that the node's Docker resolves to another app's image. */
  public Optional<String> check(String app, String reference, LocalImages local) {
    String own = registry + "/" + app;
    if (looksLikeImageId(reference)) {
      return Optional.of(reference + " could be taken for the ID of an image on the node; name the image by its repository"
          + " (with a tag, e.g. " + reference + ":latest, or in full, e.g. docker.io/library/" + reference + ")");
    }
    Optional<Ref> parsed = parse(reference);
    if (parsed.isEmpty()) {
      return Optional.of(reference + " is not a valid image reference"
          + (reference.indexOf('$') >= 0 ? " (it uses a variable that cannot be resolved before the build)" : ""));
    }
    Ref ref = parsed.get();
    if (isPlatformRegistry(ref.registry())) {
      return ref.path().equals(app) ? Optional.empty() : Optional.of(notOwn(reference, own));
    }
    Optional<LocalImage> found = local.find(reference);
    if (found.isEmpty()) return Optional.empty();
    LocalImage image = found.get();
    String name = ref.familiarName();
    boolean byName = ref.digest() != null
        ? image.repoDigests().contains(name + "@" + ref.digest())
        : image.repoTags().contains(name + ":" + (ref.tag() == null ? "latest" : ref.tag()));
    if (!byName) {
      return Optional.of(reference + " is not the name of an image on the node but would resolve to another one; name the"
          + " image by its repository and tag");
    }
    List<String> names = new ArrayList<>(image.repoTags());
    names.addAll(image.repoDigests());
    for (String other : names) {
      Optional<Ref> o = parse(other);
      if (o.isPresent() && isPlatformRegistry(o.get().registry()) && !o.get().path().equals(app)) {
        return Optional.of(reference + " is, on this node, an image of another app's repository in the platform registry;"
            + " build from your own repository (" + own + ") or an outside image");
      }
    }
    return Optional.empty();
  }

  /** Why the Dockerfile may not be built for {@code app}, if it may not: the first image it refers to that {@link #check} refuses. */
  public Optional<String> checkDockerfile(String app, String dockerfile, LocalImages local) {
    for (String ref : io.skiff.builder.DockerfileFroms.references(dockerfile)) {
      Optional<String> reason = check(app, ref, local);
      if (reason.isPresent()) return Optional.of("Dockerfile refers to " + ref + ": " + reason.get());
    }
    for (String url : io.skiff.builder.DockerfileFroms.addUrls(dockerfile)) {
      Optional<String> reason = checkUrl(url);
      if (reason.isPresent()) return Optional.of("Dockerfile refers to " + url + ": " + reason.get());
    }
    return Optional.empty();
  }

  /**
   * Why a build may not {@code ADD} from a URL, if it may not: the daemon fetches it from the node
   * itself, so a URL of the platform registry or of the node's own addresses reads its images
   * (manifests, layers, configs) past every check on references.
   */
  public Optional<String> checkUrl(String url) {
    java.util.regex.Matcher m = Pattern.compile("(?i)https?://(?:[^/@]*@)?(\\[[^\\]/]*\\]|[^/:?#]*)[^/?#]*.*").matcher(url);
    if (url.indexOf('$') >= 0 || !m.matches()) {
      return Optional.of("ADD from a URL that cannot be resolved before the build is not allowed");
    }
    String host = m.group(1).toLowerCase(Locale.ROOT);
    if (host.startsWith("[")) host = host.substring(1, host.length() - 1);
    return isPlatformHost(host)
        ? Optional.of("ADD from the platform registry or the node itself is not allowed; build from your own repository or outside sources")
        : Optional.empty();
  }

  private static String notOwn(String reference, String own) {
    return reference + " is in the platform registry but not in this app's repository; an app builds and runs only from"
        + " its own repository (" + own + ") or from images outside the platform registry";
  }

  private static String host(String domain) {
    String d = domain.toLowerCase(Locale.ROOT);
    if (d.startsWith("[")) {
      int end = d.indexOf(']');
      return end < 0 ? d : d.substring(1, end);
    }
    int colon = d.lastIndexOf(':');
    return colon < 0 ? d : d.substring(0, colon);
  }

  /** The port Docker connects to; 443 when none is given. */
  private static int port(String domain) {
    int close = domain.lastIndexOf(']');
    int colon = domain.lastIndexOf(':');
    if (colon < 0 || colon < close) return 443;
    try {
      return Integer.parseInt(domain.substring(colon + 1));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static List<InetAddress> resolve(String host) {
    try {
      return List.of(InetAddress.getAllByName(host));
    } catch (UnknownHostException | SecurityException e) {
      return List.of();
    }
  }

  private static boolean isLocal(InetAddress address) {
    if (address.isLoopbackAddress() || address.isAnyLocalAddress()) return true;
    try {
      return NetworkInterface.getByInetAddress(address) != null;
    } catch (SocketException e) {
      return false;
    }
  }
}
