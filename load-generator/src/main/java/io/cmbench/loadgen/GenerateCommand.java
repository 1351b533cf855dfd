package io.cmbench.loadgen;

import io.cmbench.schemas.RequestEvent;
import io.cmbench.schemas.RequestRules;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code cmbench generate}: streams a workload into Kafka. Never calls System.exit. A bad option value or workload
 * file is thrown as a picocli {@link ParameterException} (or a {@link WorkloadException} found while streaming a
 * trace) naming the option or file:line and the value; the launcher prints it as one line with exit code 2.
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
    description = {"Stream LLM request events (Avro RequestEvent) into Kafka, simulated or paced live.",
        "Without --workload it sends what 'cmbench run' generates by default: Poisson arrivals of 4,096-token prompts "
            + "with 256 output tokens for 60 simulated seconds at the paper's operating point (seed 42)."})
public final class GenerateCommand implements Callable<Integer> {
  public static final int EXIT_OK = 0;
  public static final String DEFAULT_TOPIC = "cmbench.requests";

  /** Creates the publisher; replaced in tests. */
  interface PublisherFactory {
    KafkaRequestPublisher create(String bootstrap, String topic, Properties clientProperties);
  }

  /**
   * What the launcher adds to {@code generate}, so that it agrees with {@code run}: the default rate and the start-up
   * checks every command shares. Used alone (no launcher), {@code --rate} or {@code --workload} is required and
   * nothing beyond the options is checked.
   */
  public interface Launcher {
    /** The arrival rate {@code cmbench run} offers by default for these lengths, requests per simulated second. */
    double defaultRate(int promptTokens, int outputTokens);

    /**
     * Checks what the whole stream implies (request count, time span, trace contents) and that Kafka answers
     * ({@code bootstrap} is null in a dry run); throws a {@link ParameterException} naming the option and value.
     */
    void preflight(CommandSpec spec, WorkloadSpec workload, String workloadOption, String workloadValue,
                   String bootstrap, Path clientPropertiesFile, Properties clientProperties);
  }

  @Spec
  CommandSpec spec;

  @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "Kafka bootstrap servers (required unless --dry-run).")
  String bootstrap;

  @Option(names = "--workload", paramLabel = "FILE|NAME",
      description = "Workload YAML file, or a built-in: paper-4k-256, chat-1k-1k, 2k-256, multiturn-50, multiturn-90.")
  String workload;

  @Option(names = "--rate", paramLabel = "R",
      description = "Requests per simulated second (default: the rate 'cmbench run' offers, the paper's 50 ms "
          + "operating point for these lengths; not with --workload).")
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

  private final Launcher launcher;

  /** Alone: {@code --rate} or {@code --workload} is required. */
  public GenerateCommand() {
    this(null);
  }

  /** As a subcommand of the launcher, which supplies the default rate and the shared start-up checks. */
  public GenerateCommand(Launcher launcher) {
    this.launcher = launcher;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    WorkloadSpec workloadSpec = buildSpec();
    Properties props = clientProperties();
    if (!dryRun && (bootstrap == null || bootstrap.isBlank())) {
      throw usage("--bootstrap", "required (HOST:PORT of a Kafka cluster) unless --dry-run", bootstrap);
    }
    if (topic == null || topic.isBlank()) {
      throw usage("--topic", "must not be blank", topic);
    }
    if (speed != null && !live) {
      throw usage("--speed", "needs --live", speed);
    }
    if (speed != null && !(speed > 0 && Double.isFinite(speed))) {
      throw usage("--speed", "must be > 0", speed);
    }
    if (launcher != null) {
      launcher.preflight(spec, workloadSpec, workload != null ? "--workload" : "--rate x --duration",
          workload != null ? workload : (rate != null ? rate : "default") + " x "
              + (durationSeconds != null ? durationSeconds : 60.0), dryRun ? null : bootstrap, clientProperties, props);
    }

    if (dryRun) {
      return dryRun(workloadSpec, out);
    }

    PublishMode mode = live ? PublishMode.LIVE : PublishMode.SIMULATION;
    double x = speed == null ? 1.0 : speed;
    out.printf(Locale.ROOT, "generate: %s, seed %d, %s%s -> %s @ %s%n", workloadSpec, seed, mode,
        live ? " x" + x : "", topic, bootstrap);
    out.flush();
    java.util.concurrent.atomic.AtomicLong sent = new java.util.concurrent.atomic.AtomicLong();
    java.util.concurrent.atomic.AtomicLong simMicros = new java.util.concurrent.atomic.AtomicLong();
    long totalSimSeconds = workloadSpec.durationMicros() == Long.MAX_VALUE ? 0 : workloadSpec.durationMicros() / 1_000_000L;
    try (RequestStream stream = new RequestStream(workloadSpec, seed);
         KafkaRequestPublisher publisher = publisherFactory.create(bootstrap, topic, props)) {
      PublishStats stats;
      // closed (its line cleared) before the summary, also when a bad trace line or a publish failure ends the stream
      try (ProgressBar bar = noProgress ? null : new ProgressBar(err, "generate", totalSimSeconds, "simulated s",
          () -> simMicros.get() / 1_000_000L, () -> String.format(Locale.ROOT, "%,d records", sent.get()))) {
        stats = publisher.publish(stream, mode, x, (records, micros) -> {
          sent.set(records);
          simMicros.set(micros);
        });
      }
      out.printf(Locale.ROOT, "requests %d, heartbeats %d (sent to every partition)%n", stream.requestsEmitted(),
          stream.heartbeatsEmitted());
      // the emulation job's time horizon: whoever submits it by hand passes this on
      out.printf(Locale.ROOT, "last arrival %d us (emulation job: --last-arrival-micros %d)%n",
          stream.lastEventMicros(), stream.lastEventMicros());
      out.println(stats.summary());
      out.flush();
      return EXIT_OK;
    }
  }

  private ParameterException usage(String option, String why, Object value) {
    return new ParameterException(spec.commandLine(), option + ": " + why + (value == null ? "" : ", got '" + value + "'"));
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
          throw usage((String) o[0], "cannot be combined with --workload", o[1]);
        }
      }
      WorkloadArgument arg = WorkloadArgument.of(workload);
      if (arg.unknown()) {
        throw usage("--workload", "no such file, and not a built-in (" + String.join(", ", WorkloadSpec.BUILTIN) + ")",
            workload);
      }
      try {
        ws = arg.load();
      } catch (WorkloadException e) {
        throw new ParameterException(spec.commandLine(), "--workload: " + e.getMessage(), e);
      }
      if (durationSeconds != null) {
        ws = ws.withDurationMicros(durationMicros(durationSeconds));
      }
    } else {
      long d = durationMicros(durationSeconds == null ? 60.0 : durationSeconds);
      int p = promptTokens == null ? 4096 : promptTokens;
      int o = outputTokens == null ? 256 : outputTokens;
      if (p < 1) {
        throw usage("--prompt-tokens", "must be >= 1", p);
      }
      if (o < 1) {
        throw usage("--output-tokens", "must be >= 1", o);
      }
      if (rate == null && launcher == null) {
        throw usage("--rate", "required without --workload", null);
      }
      double r = rate != null ? rate : launcher.defaultRate(p, o);
      if (!(r > 0) || !Double.isFinite(r)) {
        throw usage("--rate", "must be > 0", rate);
      }
      String a = arrival == null ? "poisson" : arrival.toLowerCase(Locale.ROOT);
      ws = switch (a) {
        case "poisson" -> WorkloadSpec.poisson(r, d, p, o);
        case "constant" -> WorkloadSpec.constant(r, d, p, o);
        default -> throw usage("--arrival", "must be poisson or constant (use --workload for others)", arrival);
      };
    }
    if (maxRequests != null) {
      if (maxRequests <= 0) {
        throw usage("--max-requests", "must be > 0", maxRequests);
      }
      ws = ws.withMaxRequests(maxRequests);
    }
    if (heartbeatMs != null) {
      long us = Math.round(heartbeatMs * 1000);
      if (!(heartbeatMs > 0) || us <= 0) {
        throw usage("--heartbeat-interval-ms", "must be > 0", heartbeatMs);
      }
      ws = ws.withHeartbeatIntervalMicros(us);
    }
    return ws;
  }

  private long durationMicros(double seconds) {
    long us = Math.round(seconds * 1e6);
    if (!(seconds > 0) || !(seconds * 1e6 <= RequestRules.MAX_ARRIVAL_MICROS) || us <= 0) {
      throw usage("--duration", "must be > 0 seconds and at most " + RequestRules.MAX_ARRIVAL_MICROS / 1_000_000
          + " (2^53 us)", seconds);
    }
    return us;
  }

  Properties clientProperties() {
    Properties props = new Properties();
    if (clientProperties != null) {
      if (!Files.isReadable(clientProperties)) {
        throw usage("--client-properties", "not a readable file", clientProperties);
      }
      try (InputStream in = Files.newInputStream(clientProperties)) {
        props.load(in);
      } catch (IOException | IllegalArgumentException e) {
        throw usage("--client-properties", "not a properties file (" + e.getMessage() + ")", clientProperties);
      }
    }
    if (producerProperties != null) {
      producerProperties.forEach(props::setProperty);
    }
    return props;
  }
}
