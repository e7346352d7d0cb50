package io.skiff.runtime;

import io.skiff.docker.DockerException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Skiff's own nftables table, {@code inet skiff}: traffic that enters the host from an app bridge
 * ({@code skf*}) is dropped unless it answers a connection the host opened (the router, the
 * published-port proxy, probes), and nothing is forwarded from or to an app bridge (no route to
 * another app's bridge, the node's other networks or beyond), but between two containers of
 * one app. Matches only Skiff's bridges;
 * the setup scripts remove the table when they stop what they started.
 *
 * <p>Several engines on one machine (bin/skiff-cluster: a dockerd per node) each get a table and a
 * bridge prefix of their own ({@code skiff.runtime.firewall-table}, {@code bridge-prefix}), so
 * no table's wildcard drops another engine's same-app traffic and each can be removed alone.
 */
final class BridgeFirewall {
  static final String DEFAULT_TABLE = "skiff";
  static final BridgeFirewall DEFAULT = new BridgeFirewall(DEFAULT_TABLE, AppNetworks.DEFAULT_BRIDGE_PREFIX);

  /**
   * {@code within}: pairs (bridge . same bridge). With br_netfilter on (Docker loads it), traffic
   * between two containers of one app passes the forward hook too; it is the only forwarding allowed.
   */
  static final String RULESET = """
      table inet skiff {
        set within {
          type ifname . ifname
        }
        chain input {
          type filter hook input priority 0; policy accept;
          iifname "skf*" ct state established,related accept
          iifname "skf*" drop
        }
        chain forward {
          type filter hook forward priority 0; policy accept;
          iifname . oifname @within accept
          iifname "skf*" drop
          oifname "skf*" drop
        }
      }
      """;

  private final String table;
  private final String bridgePrefix;

  /** {@code table}: the nftables table (family inet); {@code bridgePrefix}: the app bridges' names start with it. */
  BridgeFirewall(String table, String bridgePrefix) {
    if (!table.matches("[a-z][a-z0-9_]{0,31}")) throw new IllegalArgumentException("bad nftables table name: " + table);
    if (!bridgePrefix.matches("[a-z][a-z0-9]{2}")) throw new IllegalArgumentException("bad bridge prefix: " + bridgePrefix);
    this.table = table;
    this.bridgePrefix = bridgePrefix;
  }

  String table() {
    return table;
  }

  String bridgePrefix() {
    return bridgePrefix;
  }

  /** The ruleset of this table and prefix. */
  String ruleset() {
    return RULESET.replace("table inet skiff {", "table inet " + table + " {").replace("\"skf*\"", "\"" + bridgePrefix + "*\"");
  }

  /** Installs the table unless it is there; fails if it cannot, so no bridge container starts unguarded. */
  void ensure() {
    if (nft("list table inet " + table + "\n", false)) return;
    nft(ruleset(), true);
  }

  /** Lets the containers on {@code bridge} (one app's) reach each other. */
  void allowWithin(String bridge) {
    nft("add element inet " + table + " within { \"" + bridge + "\" . \"" + bridge + "\" }\n", true);
  }

  private static boolean nft(String script, boolean required) {
    try {
      Process p = new ProcessBuilder("nft", "-f", "-").redirectErrorStream(true).start();
      try (OutputStream in = p.getOutputStream()) {
        in.write(script.getBytes(StandardCharsets.UTF_8));
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new DockerException("nft did not finish within 30 s", null);
      }
      if (p.exitValue() == 0) return true;
      if (required) throw new DockerException("nft could not set up the bridge firewall: " + out, null);
      return false;
    } catch (IOException e) {
      throw new DockerException("nft (package nftables) is needed for bridge networking: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DockerException("interrupted while installing the bridge firewall", e);
    }
  }
}
