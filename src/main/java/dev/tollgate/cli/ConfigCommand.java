package dev.tollgate.cli;

import dev.tollgate.common.ConfigException;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.ModelConfig;
import dev.tollgate.config.TollgateConfig;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "config", description = "Configuration tools.", subcommands = ConfigCommand.Check.class)
final class ConfigCommand implements Runnable {
  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  @Command(name = "check", description = "Validate a configuration file (and the TOLLGATE_* environment) without starting.")
  static final class Check implements Callable<Integer> {
    @Option(names = "--config", description = "YAML configuration file.")
    Path config;

    @Override
    public Integer call() {
      try {
        TollgateConfig cfg = ConfigLoader.fromSystemEnv().load(Optional.ofNullable(config));
        System.out.println("configuration OK" + (config == null ? " (defaults)" : ": " + config));
        System.out.println("  listen     " + cfg.server().host() + ":" + cfg.server().port());
        System.out.println("  store      " + cfg.store().displayUrl());
        System.out.println("  redis      " + cfg.redis().displayUrl().orElse("- (counters and cache in this process)"));
        System.out.println("  master key " + (cfg.auth().masterKey().isPresent() ? "configured" : "stored or generated on first start"));
        for (ModelConfig m : cfg.models()) {
          System.out.println("  model      " + m.name() + " -> " + m.provider() + (m.provider().equals("mock") ? "" : " " + m.upstreamModel() + " @ " + m.baseUrl().orElse("")));
        }
        return 0;
      } catch (ConfigException e) {
        System.err.println("configuration error: " + e.getMessage());
        return 2;
      }
    }
  }
}
