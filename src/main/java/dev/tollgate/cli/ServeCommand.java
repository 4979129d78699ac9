package dev.tollgate.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import dev.tollgate.Tollgate;
import dev.tollgate.common.ConfigException;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.TollgateConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "serve", description = "Start the gateway (embedded DuckDB store and the mock provider by default).")
final class ServeCommand implements Callable<Integer> {
  @Option(names = "--config", description = "YAML configuration file (optional).")
  Path config;

  @Option(names = "--port", description = "Override server.port.")
  Integer port;

  @Override
  public Integer call() {
    TollgateConfig cfg;
    try {
      cfg = ConfigLoader.fromSystemEnv().load(Optional.ofNullable(config));
      if (port != null) {
        cfg = cfg.withServer(cfg.server().withPort(port));
      }
    } catch (ConfigException e) {
      System.err.println("configuration error: " + e.getMessage());
      return 2;
    }
    configureLogging(cfg.log());
    Tollgate tollgate;
    try {
      tollgate = Tollgate.start(cfg, Clock.systemUTC());
    } catch (ConfigException e) {
      System.err.println("cannot start: " + e.getMessage());
      return 2;
    }
    tollgate.generatedMasterKey().ifPresent(key -> {
      System.out.println();
      System.out.println("  A master key was generated for this gateway. It is shown only now; store it safely:");
      System.out.println();
      System.out.println("    export TOLLGATE_MASTER_KEY=" + key);
      System.out.println();
      System.out.println("  (Only its hash is stored. To choose your own, start with TOLLGATE_MASTER_KEY set.)");
      System.out.println();
    });
    System.out.println("Tollgate " + Tollgate.VERSION + " ready on " + tollgate.baseUrl()
        + "  (OpenAI base URL: " + tollgate.baseUrl() + "/v1)");
    Runtime.getRuntime().addShutdownHook(new Thread(tollgate::close, "tollgate-shutdown"));
    Cli.markServing();
    return 0;
  }

  private static void configureLogging(TollgateConfig.LogConfig log) {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    if (log.format().equals("json")) {
      try {
        ctx.reset();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(ctx);
        configurator.doConfigure(ServeCommand.class.getClassLoader().getResource("logback-json.xml"));
      } catch (Exception e) {
        System.err.println("cannot switch to JSON logs: " + e.getMessage());
      }
    }
    ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(ch.qos.logback.classic.Level.toLevel(log.level()));
  }
}
