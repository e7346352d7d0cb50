package io.skiff.runtime;

import com.github.dockerjava.api.model.Info;
import com.typesafe.config.Config;
import io.skiff.CborSerializable;
import io.skiff.docker.DockerEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a runtime node offers app containers: memory in bytes and CPUs, from {@code
 * skiff.runtime.capacity} ("auto": the engine's own figures, {@code docker info}'s MemTotal and
 * NCPU). Zero means unknown, and placement then puts no bound on the node.
 */
public record NodeCapacity(long memoryBytes, int cpus) implements CborSerializable {
  private static final Logger log = LoggerFactory.getLogger(NodeCapacity.class);
  public static final NodeCapacity UNKNOWN = new NodeCapacity(0, 0);

  /** {@code runtime}: the skiff.runtime section. */
  public static NodeCapacity detect(Config runtime, DockerEngine docker) {
    String memory = runtime.getString("capacity.memory");
    String cpus = runtime.getString("capacity.cpus");
    Info info = null;
    if (memory.equals("auto") || cpus.equals("auto")) {
      try {
        info = docker.client().infoCmd().exec();
      } catch (RuntimeException e) {
        log.warn("cannot read the engine's memory and CPUs (docker info: {}); placement puts no bound on this node", e.toString());
      }
    }
    long mem = memory.equals("auto") ? (info == null || info.getMemTotal() == null ? 0 : info.getMemTotal()) : runtime.getBytes("capacity.memory");
    int cpu = cpus.equals("auto") ? (info == null || info.getNCPU() == null ? 0 : info.getNCPU()) : runtime.getInt("capacity.cpus");
    return new NodeCapacity(mem, cpu);
  }
}
