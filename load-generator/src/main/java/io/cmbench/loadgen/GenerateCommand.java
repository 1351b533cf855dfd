package io.cmbench.loadgen;

import io.cmbench.schemas.RequestEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cmbench generate}: streams a workload into Kafka. Usable as a subcommand of the launcher
 * or alone via {@link #newCommandLine()}. Never calls System.exit. Exit codes: 0 done, 1 publish
 * failure, 2 bad option values or workload file (one-line error naming the option or file and the
 * value).
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
    description = "Stream LLM request events (Avro RequestEvent) into Kafka, simulated or paced live.")
public final class GenerateCommand implements Callable<Integer> {
  public static final int EXIT_OK = 0;
  public static final int EXIT_FAILURE = 1;
  public static final int EXIT_USAGE = 2;
  public static final String DEFAULT_TOPIC = "cmbench.requests";

  /** Creates the publisher; replaced in tests. */
  interface PublisherFactory {
    KafkaRequestPublisher create(String bootstrap, String topic, Properties clientProperties);
  }

  /**
   * Prints a picocli parse error (e.g. {@code --rate abc}) as one line and returns exit code 2.
   * Install it on the launcher's CommandLine to get the same behaviour for every subcommand.
   */
  public static final CommandLine.IParameterExceptionHandler ONE_LINE_ERRORS = (ex, args) -> {
    CommandLine cmd = ex.getCommandLine();
    cmd.getErr().println(cmd.getCommandName() + ": " + ex.getMessage()
        + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')");
    cmd.getErr().flush();
    return EXIT_USAGE;
  };

  @Spec
  CommandSpec spec;

  @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "Kafka bootstrap servers (required unless --dry-run).")
  String bootstrap;

  @Option(names = "--workload", paramLabel = "FILE|NAME",
      description = "Workload YAML file, or a built-in: paper-4k-256, chat-1k-1k, 2k-256, multiturn-50, multiturn-90.")
  String workload;

  @Option(names = "--rate", paramLabel = "R", description = "Requests per second (default 10; not with --workload).")
  Double rate;

  @Option(names = "--arrival", paramLabel = "P", description = "poisson (default) or constant (not with --workload).")
  String arrival;

  @Option(names = "--duration", paramLabel = "S",
      description = "Simulated seconds (default 60; with --workload: overrides the file's duration).")
  Double durationSeconds;

  @Option(names = "--prompt-tokens", paramLabel = "N", description = "Prompt tokens per request (default 4096).")
  Integer promptTokens;

  @Option(names = "--output-tokens", paramLabel = "M", description = "Output tokens per request (default 256).")
  Integer outputTokens;

  @Option(names = "--max-requests", paramLabel = "N", description = "Stop after N requests.")
  Long maxRequests;

  @Option(names = "--heartbeat-interval-ms", paramLabel = "MS",
      description = "A heartbeat to every partition at least this often (simulated ms; default from workload, 1000).")
  Double heartbeatMs;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "Random seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--live", description = "Pace records on the wall clock (open loop) instead of as fast as possible.")
  boolean live;

  @Option(names = "--speed", paramLabel = "X", description = "Live mode speed-up factor (default 1.0).")
  Double speed;

  @Option(names = "--topic", paramLabel = "T", defaultValue = DEFAULT_TOPIC, description = "Topic (default ${DEFAULT-VALUE}).")
  String topic;

  @Option(names = "--client-properties", paramLabel = "FILE",
      description = "Kafka producer properties file (security, batching, compression...).")
  Path clientProperties;

  @Option(names = {"-P", "--producer-property"}, paramLabel = "KEY=VALUE",
      description = "A Kafka producer property (repeatable; wins over --client-properties).")
  Map<String, String> producerProperties;

  @Option(names = "--dry-run", description = "Generate the stream and print a summary without Kafka.")
  boolean dryRun;

  @Option(names = "--no-progress", description = "No progress bar.")
  boolean noProgress;

  PublisherFactory publisherFactory = KafkaRequestPublisher::new;

  /** A standalone command line with one-line parse errors. */
  public static CommandLine newCommandLine() {
    CommandLine cl = new CommandLine(new GenerateCommand());
    cl.setParameterExceptionHandler(ONE_LINE_ERRORS);
    return cl;
  }

  private static final class UsageError extends RuntimeException {
    UsageError(String message) {
      super(message);
    }
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    WorkloadSpec workloadSpec;
    Properties props;
    try {
      workloadSpec = buildSpec();
      props = clientProperties();
      if (!dryRun && (bootstrap == null || bootstrap.isBlank())) {
        throw new UsageError("missing option --bootstrap HOST:PORT");
      }
      if (topic == null || topic.isBlank()) {
        throw new UsageError("invalid value for option '--topic': '" + topic + "'");
      }
      if (speed != null && !live) {
        throw new UsageError("option '--speed' needs --live");
      }
      if (speed != null && !(speed > 0 && Double.isFinite(speed))) {
        throw new UsageError("invalid value for option '--speed': " + speed + " (must be > 0)");
      }
    } catch (UsageError | WorkloadException e) {
      err.println("generate: " + e.getMessage());
      err.flush();
      return EXIT_USAGE;
    }

    if (dryRun) {
      return dryRun(workloadSpec, out);
    }

    PublishMode mode = live ? PublishMode.LIVE : PublishMode.SIMULATION;
    double x = speed == null ? 1.0 : speed;
    out.printf(Locale.ROOT, "generate: %s, seed %d, %s%s -> %s @ %s%n", workloadSpec, seed, mode,
        live ? " x" + x : "", topic, bootstrap);
    out.flush();
    ConsoleProgressBar bar = noProgress ? null : new ConsoleProgressBar(err, workloadSpec.durationMicros());
    try (RequestStream stream = new RequestStream(workloadSpec, seed);
         KafkaRequestPublisher publisher = publisherFactory.create(bootstrap, topic, props)) {
      PublishStats stats = publisher.publish(stream, mode, x, bar == null ? ProgressListener.none() : bar);
      if (bar != null) {
        bar.finish();
      }
      out.printf(Locale.ROOT, "requests %d, heartbeats %d (sent to every partition)%n", stream.requestsEmitted(),
          stream.heartbeatsEmitted());
      // the emulation job's time horizon: whoever submits it by hand passes this on
      out.printf(Locale.ROOT, "last arrival %d us (emulation job: --last-arrival-micros %d)%n",
          stream.lastEventMicros(), stream.lastEventMicros());
      out.println(stats.summary());
      out.flush();
      return EXIT_OK;
    } catch (WorkloadException e) {
      // A malformed trace line found while streaming.
      if (bar != null) {
        bar.finish();
      }
      err.println("generate: " + e.getMessage());
      err.flush();
      return EXIT_USAGE;
    } catch (RuntimeException e) {
      if (bar != null) {
        bar.finish();
      }
      err.println("generate: failed: " + e.getMessage());
      err.flush();
      return EXIT_FAILURE;
    }
  }

  private int dryRun(WorkloadSpec workloadSpec, PrintWriter out) {
    long requests = 0;
    long heartbeats = 0;
    long promptSum = 0;
    long outputSum = 0;
    long blocks = 0;
    long last = 0;
    try (RequestStream stream = new RequestStream(workloadSpec, seed)) {
      while (stream.hasNext()) {
        RequestEvent e = stream.next();
        last = e.getArrivalTimeMicros();
        if (RequestStream.isHeartbeat(e)) {
          heartbeats++;
        } else {
          requests++;
          promptSum += e.getPromptTokens();
          outputSum += e.getOutputTokens();
          blocks += e.getPrefixBlocks().size();
        }
      }
    } catch (WorkloadException e) {
      spec.commandLine().getErr().println("generate: " + e.getMessage());
      spec.commandLine().getErr().flush();
      return EXIT_USAGE;
    }
    out.printf(Locale.ROOT, "%s, seed %d: %d requests, %d heartbeats over %.3f s simulated (%.2f req/s);"
            + " mean prompt %.1f, mean output %.1f tokens, %d prefix blocks%n",
        workloadSpec, seed, requests, heartbeats, last / 1e6, last > 0 ? requests / (last / 1e6) : 0.0,
        requests > 0 ? promptSum / (double) requests : 0.0, requests > 0 ? outputSum / (double) requests : 0.0, blocks);
    out.flush();
    return EXIT_OK;
  }

  WorkloadSpec buildSpec() {
    WorkloadSpec ws;
    if (workload != null) {
      for (Object[] o : new Object[][] {{"--rate", rate}, {"--prompt-tokens", promptTokens},
          {"--output-tokens", outputTokens}, {"--arrival", arrival}}) {
        if (o[1] != null) {
          throw new UsageError("option '" + o[0] + "' cannot be combined with --workload (got " + o[1] + ")");
        }
      }
      Path file = Path.of(workload);
      if (Files.exists(file)) {
        ws = WorkloadSpec.load(file);
      } else if (WorkloadSpec.BUILTIN.contains(workload)) {
        ws = WorkloadSpec.builtin(workload);
      } else {
        throw new UsageError("invalid value for option '--workload': '" + workload
            + "' (no such file, and not a built-in: " + String.join(", ", WorkloadSpec.BUILTIN) + ")");
      }
      if (durationSeconds != null) {
        ws = ws.withDurationMicros(durationMicros(durationSeconds));
      }
    } else {
      double r = rate == null ? 10.0 : rate;
      if (!(r > 0) || !Double.isFinite(r)) {
        throw new UsageError("invalid value for option '--rate': " + rate + " (must be > 0)");
      }
      long d = durationMicros(durationSeconds == null ? 60.0 : durationSeconds);
      int p = promptTokens == null ? 4096 : promptTokens;
      int o = outputTokens == null ? 256 : outputTokens;
      if (p < 1) {
        throw new UsageError("invalid value for option '--prompt-tokens': " + p + " (must be >= 1)");
      }
      if (o < 1) {
        throw new UsageError("invalid value for option '--output-tokens': " + o + " (must be >= 1)");
      }
      String a = arrival == null ? "poisson" : arrival.toLowerCase(Locale.ROOT);
      ws = switch (a) {
        case "poisson" -> WorkloadSpec.poisson(r, d, p, o);
        case "constant" -> WorkloadSpec.constant(r, d, p, o);
        default -> throw new UsageError("invalid value for option '--arrival': '" + arrival
            + "' (poisson or constant; use --workload for others)");
      };
    }
    if (maxRequests != null) {
      if (maxRequests <= 0) {
        throw new UsageError("invalid value for option '--max-requests': " + maxRequests + " (must be > 0)");
      }
      ws = ws.withMaxRequests(maxRequests);
    }
    if (heartbeatMs != null) {
      long us = Math.round(heartbeatMs * 1000);
      if (!(heartbeatMs > 0) || us <= 0) {
        throw new UsageError("invalid value for option '--heartbeat-interval-ms': " + heartbeatMs + " (must be > 0)");
      }
      ws = ws.withHeartbeatIntervalMicros(us);
    }
    return ws;
  }

  private static long durationMicros(double seconds) {
    long us = Math.round(seconds * 1e6);
    if (!(seconds > 0) || !Double.isFinite(seconds) || us <= 0) {
      throw new UsageError("invalid value for option '--duration': " + seconds + " (must be > 0 seconds)");
    }
    return us;
  }

  Properties clientProperties() {
    Properties props = new Properties();
    if (clientProperties != null) {
      if (!Files.isReadable(clientProperties)) {
        throw new UsageError("invalid value for option '--client-properties': '" + clientProperties
            + "' (not a readable file)");
      }
      try (InputStream in = Files.newInputStream(clientProperties)) {
        props.load(in);
      } catch (IOException | IllegalArgumentException e) {
        throw new UsageError("invalid value for option '--client-properties': '" + clientProperties + "' ("
            + e.getMessage() + ")");
      }
    }
    if (producerProperties != null) {
      producerProperties.forEach(props::setProperty);
    }
    return props;
  }
}
