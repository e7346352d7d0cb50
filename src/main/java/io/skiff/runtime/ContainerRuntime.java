package io.skiff.runtime;

import io.skiff.docker.DockerException;
import io.skiff.docker.DockerEngine;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.PullResponseItem;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The node agent's Docker operations on platform containers (labelled {@code skiff.*}). Blocking:
 * call from the Docker dispatcher, or the stream dispatcher for a one-off run's whole life. Short calls use the client with a response timeout;
 * logs, waits and pulls use the streaming client bounded here.
 */
final class ContainerRuntime {
  static final String LABEL_APP = "skiff.app";
  static final String LABEL_RELEASE = "skiff.release";
  static final String LABEL_TYPE = "skiff.type";
  static final String LABEL_NUM = "skiff.num";
  static final String LABEL_NODE = "skiff.node";
  static final String LABEL_PORT = "skiff.port";
  static final String LABEL_GENERATION = "skiff.generation";
  static final String LABEL_NAME = "skiff.name";
  static final String LABEL_INCARNATION = "skiff.app-uuid";

  /** A platform container found on the engine; {@code address} is its own on its app's bridge (null on host networking). */
  record Existing(String id, String name, Map<String, String> labels, boolean running, String address) {
    String type() {
      return labels.getOrDefault(LABEL_TYPE, "");
    }

    int port() {
      return intLabel(LABEL_PORT);
    }

    int generation() {
      return intLabel(LABEL_GENERATION);
    }

    int intLabel(String key) {
      try {
        return Integer.parseInt(labels.getOrDefault(key, "0"));
      } catch (NumberFormatException e) {
        return 0;
      }
    }
  }

  private final DockerEngine engine;
  private final DockerClient calls;
  private final DockerClient streams;
  private final String nodeName;
  private final ContainerHardening hardening;
  private final boolean bridge;
  private final String publishHost;
  private final AppNetworks networks;
  private final BridgeFirewall firewall;
  private volatile boolean firewalled;
  private final java.util.concurrent.locks.ReadWriteLock networkLock = new java.util.concurrent.locks.ReentrantReadWriteLock();

  /** {@code network}: {@code bridge} (one network per app, ports published on {@code publishHost}) or {@code host}. */
  ContainerRuntime(DockerEngine docker, String nodeName, ContainerHardening hardening, String network, String publishHost) {
    this(docker, nodeName, hardening, network, publishHost, BridgeFirewall.DEFAULT);
  }

  /** {@code firewall}: the nftables table and bridge-name prefix of this node's app networks. */
  ContainerRuntime(DockerEngine docker, String nodeName, ContainerHardening hardening, String network, String publishHost,
      BridgeFirewall firewall) {
    this.engine = docker;
    this.calls = docker.client();
    this.streams = docker.streams();
    this.nodeName = nodeName;
    this.hardening = hardening;
    this.bridge = RuntimeSettings.BRIDGE.equals(network);
    this.publishHost = publishHost;
    this.firewall = firewall;
    this.networks = new AppNetworks(calls, publishHost, firewall);
  }

  boolean bridged() {
    return bridge;
  }

  /** This node's platform containers, running or not. */
  List<Existing> list() {
    List<Existing> out = new ArrayList<>();
    for (Container c : calls.listContainersCmd().withShowAll(true).withLabelFilter(Map.of(LABEL_NODE, nodeName)).exec()) {
      String dockerName = c.getNames() != null && c.getNames().length > 0 ? c.getNames()[0].replaceFirst("^/", "") : c.getId();
      Map<String, String> labels = c.getLabels() == null ? Map.of() : c.getLabels();
      out.add(new Existing(c.getId(), labels.getOrDefault(LABEL_NAME, dockerName), labels, "running".equals(c.getState()), address(c)));
    }
    return out;
  }

  private static String address(Container c) {
    return c.getNetworkSettings() == null ? null : appAddress(c.getNetworkSettings().getNetworks());
  }

  private static String appAddress(Map<String, ContainerNetwork> attached) {
    if (attached == null) return null;
    for (var e : attached.entrySet()) {
      String ip = e.getValue().getIpAddress();
      if (e.getKey().startsWith("skiff-app-") && ip != null && !ip.isBlank()) return ip;
    }
    return null;
  }

  /** The container's address on its app's bridge, or null (host networking, or not attached). */
  String address(String id) {
    if (!bridge) return null;
    try {
      InspectContainerResponse r = calls.inspectContainerCmd(id).exec();
      return r.getNetworkSettings() == null ? null : appAddress(r.getNetworkSettings().getNetworks());
    } catch (NotFoundException e) {
      return null;
    }
  }

  /** Removes app networks that no container on this engine uses any more. */
  void removeUnusedNetworks() {
    if (!bridge) return;
    networkLock.writeLock().lock();
    try {
      networks.removeUnused();
    } finally {
      networkLock.writeLock().unlock();
    }
  }

  /**
   * Runs {@code step} (which makes the app's network and creates a container on it) while no
   * unused network is being removed, so a network is never removed between the two.
   */
  <T> T creating(java.util.function.Supplier<T> step) {
    networkLock.readLock().lock();
    try {
      return step.get();
    } finally {
      networkLock.readLock().unlock();
    }
  }

  /**
   * Creates and starts {@code spec} listening on {@code port}: on its app's bridge with the port
   * published on the node's address, or on host networking.
   */
  String start(ContainerSpec spec, int port, Duration pullTimeout) {
    ensureImage(spec.image(), pullTimeout);
    String id = creating(() -> {
      HostConfig host = hostConfig(spec);
      if (bridge && port > 0) {
        Ports bindings = new Ports();
        bindings.bind(ExposedPort.tcp(port), Ports.Binding.bindIpAndPort(publishHost, port));
        host.withPortBindings(bindings);
      }
      try {
        return create(spec, port, host, spec.name());
      } catch (com.github.dockerjava.api.exception.ConflictException e) {
        // Several nodes share this engine (a one-machine cluster) and a departed node's container
        // still holds the name: run under a node-qualified name, labelled with the logical one.
        return create(spec, port, host, spec.name() + "." + nodeName);
      }
    });
    calls.startContainerCmd(id).exec();
    return id;
  }

  private String create(ContainerSpec spec, int port, HostConfig host, String dockerName) {
    var create = calls.createContainerCmd(spec.image())
        .withName(dockerName)
        .withEnv(env(spec, port))
        .withLabels(labels(spec, port))
        .withHostConfig(host);
    if (bridge && port > 0) create.withExposedPorts(ExposedPort.tcp(port));
    if (spec.command() != null) create.withCmd(spec.command());
    return create.exec().getId();
  }

  void restart(String id) {
    try {
      calls.startContainerCmd(id).exec();
    } catch (NotModifiedException e) {
      // already running
    }
  }

  /** SIGTERM, then SIGKILL after {@code grace}; then the container is removed. */
  void stopAndRemove(String id, Duration grace) {
    try {
      calls.stopContainerCmd(id).withTimeout((int) Math.max(1, grace.toSeconds())).exec();
    } catch (NotFoundException | NotModifiedException e) {
      // gone or stopped already
    }
    remove(id);
  }

  void remove(String id) {
    try {
      calls.removeContainerCmd(id).withForce(true).exec();
    } catch (NotFoundException e) {
      // gone already
    }
  }

  /** Exit code of a stopped container, or null if it cannot be told. */
  Long exitCode(String id) {
    try {
      InspectContainerResponse r = calls.inspectContainerCmd(id).exec();
      return r.getState() == null ? null : r.getState().getExitCodeLong();
    } catch (NotFoundException e) {
      return null;
    }
  }

  boolean oomKilled(String id) {
    try {
      InspectContainerResponse r = calls.inspectContainerCmd(id).exec();
      return r.getState() != null && Boolean.TRUE.equals(r.getState().getOOMKilled());
    } catch (NotFoundException e) {
      return false;
    }
  }

  /** The last {@code lines} lines of output (stdout and stderr), waiting at most 5 s. */
  List<String> tail(String id, int lines) {
    List<String> out = new ArrayList<>();
    StringBuilder all = new StringBuilder();
    try (var cb = streams.logContainerCmd(id).withStdOut(true).withStdErr(true).withTail(lines)
        .exec(new ResultCallback.Adapter<Frame>() {
          @Override
          public void onNext(Frame frame) {
            synchronized (all) {
              all.append(new String(frame.getPayload(), java.nio.charset.StandardCharsets.UTF_8));
            }
          }
        })) {
      cb.awaitCompletion(5, TimeUnit.SECONDS);
    } catch (IOException | RuntimeException e) {
      out.add("(logs unavailable: " + e.getMessage() + ")");
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (all) {
      all.toString().lines().forEach(out::add);
    }
    return out;
  }

  /** Pulls {@code image} from its registry unless this engine has it. */
  void ensureImage(String image, Duration timeout) {
    engine.ensureImage(image, timeout);
  }

  /**
   * The app's own bridge network (created on first use, behind {@link BridgeFirewall}) or host
   * networking, an init process (signals reach the app), and the hardening and limits.
   */
  HostConfig hostConfig(ContainerSpec spec) {
    if (!bridge) return hostConfig(spec, hardening, "host");
    if (!firewalled) {
      firewall.ensure();
      firewalled = true;
    }
    return hostConfig(spec, hardening, networks.ensure(spec.app(), spec.incarnation()));
  }

  static HostConfig hostConfig(ContainerSpec spec, ContainerHardening hardening, String networkMode) {
    HostConfig host = HostConfig.newHostConfig().withNetworkMode(networkMode).withInit(true);
    hardening.apply(host, spec.memoryBytes());
    if (spec.cpuShares() != null && spec.cpuShares() > 0) host.withCpuShares(spec.cpuShares());
    return host;
  }

  Map<String, String> labels(ContainerSpec spec, int port) {
    Map<String, String> l = new HashMap<>();
    l.put(LABEL_APP, spec.app());
    l.put(LABEL_RELEASE, String.valueOf(spec.version()));
    l.put(LABEL_TYPE, spec.type());
    l.put(LABEL_NUM, String.valueOf(spec.num()));
    l.put(LABEL_NODE, nodeName);
    l.put(LABEL_PORT, String.valueOf(port));
    l.put(LABEL_GENERATION, String.valueOf(spec.generation()));
    l.put(LABEL_NAME, spec.name());
    if (spec.incarnation() != null) l.put(LABEL_INCARNATION, spec.incarnation());
    return l;
  }

  static List<String> env(ContainerSpec spec, int port) {
    List<String> env = new ArrayList<>();
    spec.env().forEach((k, v) -> env.add(k + "=" + v));
    if (port > 0) env.add("PORT=" + port);
    env.add("SKIFF_APP=" + spec.app());
    env.add("SKIFF_RELEASE=v" + spec.version());
    env.add("SKIFF_CONTAINER=" + spec.name());
    env.add("DEIS_APP=" + spec.app());
    env.add("DEIS_RELEASE=v" + spec.version());
    return env;
  }

  String nodeName() {
    return nodeName;
  }

  DockerClient calls() {
    return calls;
  }

  DockerClient streams() {
    return streams;
  }
}
