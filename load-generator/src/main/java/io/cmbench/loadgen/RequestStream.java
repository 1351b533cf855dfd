package io.cmbench.loadgen;

import io.cmbench.schemas.EventKind;
import io.cmbench.schemas.RequestEvent;
import io.cmbench.schemas.RequestRules;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The deterministic, time-ordered stream of {@link RequestEvent}s of a workload: same spec and
 * seed give the same records, byte for byte (all randomness comes from {@link Rng} seeded here,
 * all floating point maths through {@link StrictMath}).
 *
 * <p>Requests carry ids {@code r0000000000, r0000000001, ...} (zero-padded: lexical order is
 * generation order). HEARTBEAT events ({@code hb0000000000, ...}, zero lengths) come at every
 * multiple of the spec's heartbeat interval H that no later event has already passed, busy or
 * quiet, and one final heartbeat ends the simulated span (the duration, or the last arrival when
 * the run was cut by request count or the trace ended). The publisher fans heartbeats out to every
 * partition, while each request goes to one: so every partition receives a record at least every
 * H of event time, however few requests it gets (a low rate, many partitions, an idle gap in a
 * trace). The emulation job relies on that: a record more than its max lead (at least H) after the
 * latest one read from its partition is refused as too far ahead, and a quiet partition's
 * watermark still advances.
 *
 * <p>Arrival times and request contents come from independent random streams, so changing the
 * class mix does not move the arrivals.
 */
public final class RequestStream implements Iterator<RequestEvent>, AutoCloseable {
  public static final String HEARTBEAT_CLASS = "heartbeat";

  private static final long TAG_UNIQUE = 0x556E69717565L;
  private static final long TAG_SHARED = 0x536861726564L;
  private static final long TAG_SESSION = 0x53657373L;

  private final WorkloadSpec spec;
  private final long seed;
  private final long heartbeatInterval;

  // generated workloads
  private final ArrivalProcess arrivals;
  private final Rng arrivalRng;
  private final Rng classRng;
  private final Rng lengthRng;
  private final Rng prefixRng;
  private final double[] cumulativeWeights;
  private final long[] classHashes;
  private final int[][] sessionGeneration;
  private final int[][] sessionTurns;

  // trace replay
  private final TraceReader trace;

  private RequestEvent pending;
  private boolean requestsExhausted;
  private boolean finished;
  private long lastEmittedMicros;
  /** The latest heartbeat, 0 before the first: the run's start, against which the job judges a partition's first record. */
  private long lastHeartbeatMicros;
  private long lastArrivalMicros;
  private boolean cutByDuration;
  private long requests;
  private long heartbeats;
  private RequestEvent next;

  public RequestStream(WorkloadSpec spec, long seed) {
    this.spec = spec;
    this.seed = seed;
    this.heartbeatInterval = spec.heartbeatIntervalMicros();
    this.arrivalRng = Rng.stream(seed, 1);
    this.classRng = Rng.stream(seed, 2);
    this.lengthRng = Rng.stream(seed, 3);
    this.prefixRng = Rng.stream(seed, 4);
    if (spec.isTraceReplay()) {
      this.trace = spec.trace().open();
      this.arrivals = null;
      this.cumulativeWeights = new double[0];
      this.classHashes = new long[0];
      this.sessionGeneration = new int[0][];
      this.sessionTurns = new int[0][];
    } else {
      this.trace = null;
      this.arrivals = spec.arrival().newProcess();
      List<RequestClassSpec> classes = spec.classes();
      this.cumulativeWeights = new double[classes.size()];
      this.classHashes = new long[classes.size()];
      this.sessionGeneration = new int[classes.size()][];
      this.sessionTurns = new int[classes.size()][];
      double sum = 0;
      for (int i = 0; i < classes.size(); i++) {
        RequestClassSpec c = classes.get(i);
        sum += c.weight();
        cumulativeWeights[i] = sum;
        classHashes[i] = Rng.hash(c.name());
        if (c.prefix() != null && c.prefix().sessions() != null) {
          sessionGeneration[i] = new int[c.prefix().sessions().concurrent()];
          sessionTurns[i] = new int[c.prefix().sessions().concurrent()];
        }
      }
    }
  }

  public WorkloadSpec spec() {
    return spec;
  }

  public long seed() {
    return seed;
  }

  /** Requests emitted so far. */
  public long requestsEmitted() {
    return requests;
  }

  /** Heartbeats emitted so far (each is fanned out to every partition by the publisher). */
  public long heartbeatsEmitted() {
    return heartbeats;
  }

  /**
   * The time of the last event emitted so far; once the stream is exhausted, the end of its simulated span (the
   * final heartbeat): no arrival of the run is later. The emulation job takes it as the run's last arrival.
   */
  public long lastEventMicros() {
    return lastEmittedMicros;
  }

  /** Request id for the n-th request (0-based), e.g. {@code r0000000042}. */
  public static String requestId(long n) {
    return padded("r", n);
  }

  /** Heartbeat id for the n-th heartbeat (0-based), e.g. {@code hb0000000003}. */
  public static String heartbeatId(long n) {
    return padded("hb", n);
  }

  private static String padded(String prefix, long n) {
    String digits = Long.toString(n);
    StringBuilder sb = new StringBuilder(prefix.length() + Math.max(10, digits.length())).append(prefix);
    for (int i = digits.length(); i < 10; i++) {
      sb.append('0');
    }
    return sb.append(digits).toString();
  }

  public static boolean isHeartbeat(RequestEvent e) {
    return e.getKind() == EventKind.HEARTBEAT;
  }

  @Override
  public boolean hasNext() {
    if (next == null && !finished) {
      next = advance();
    }
    return next != null;
  }

  @Override
  public RequestEvent next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    RequestEvent e = next;
    next = null;
    return e;
  }

  @Override
  public void close() {
    if (trace != null) {
      trace.close();
    }
  }

  private RequestEvent advance() {
    if (pending == null && !requestsExhausted) {
      pending = nextRequest();
      if (pending == null) {
        requestsExhausted = true;
      }
    }
    long target = pending != null ? pending.getArrivalTimeMicros() : endOfSpan();
    // Every event so far came at most H after the latest heartbeat: one H after it is earlier than none of them.
    if (target - lastHeartbeatMicros > heartbeatInterval) {
      return heartbeat(lastHeartbeatMicros + heartbeatInterval);
    }
    if (pending != null) {
      RequestEvent r = pending;
      pending = null;
      lastEmittedMicros = r.getArrivalTimeMicros();
      return r;
    }
    finished = true;
    close();
    return heartbeat(target);
  }

  private long endOfSpan() {
    return cutByDuration ? spec.durationMicros() : lastArrivalMicros;
  }

  private RequestEvent heartbeat(long at) {
    lastEmittedMicros = at;
    lastHeartbeatMicros = at;
    return new RequestEvent(EventKind.HEARTBEAT, heartbeatId(heartbeats++), at, 0, 0,
        Collections.emptyList(), 0, HEARTBEAT_CLASS);
  }

  /** The next request, or null when the workload is exhausted. */
  private RequestEvent nextRequest() {
    if (requests >= spec.maxRequests()) {
      return null;
    }
    RequestEvent e = trace != null ? nextTraceRequest() : nextGeneratedRequest();
    if (e != null && trace == null) {
      refuseInvalid(e, spec.name(), 0);
    }
    if (e != null) {
      requests++;
      lastArrivalMicros = e.getArrivalTimeMicros();
    }
    return e;
  }

  private RequestEvent nextTraceRequest() {
    if (!trace.hasNext()) {
      return null;
    }
    TraceRecord r = trace.next();
    if (r.arrivalMicros() >= spec.durationMicros()) {
      cutByDuration = true;
      return null;
    }
    List<Long> blocks = new ArrayList<>(r.hashIds().length);
    for (long id : r.hashIds()) {
      blocks.add(id);
    }
    int blockTokens = blocks.isEmpty() ? 0 : spec.trace().blockTokens();
    RequestEvent e = new RequestEvent(EventKind.REQUEST, requestId(requests), r.arrivalMicros(), r.promptTokens(),
        r.outputTokens(), blocks, blockTokens, spec.trace().requestClass());
    refuseInvalid(e, spec.trace().file().toString(), r.line());
    return e;
  }

  /**
   * Applies the job's own rules ({@link RequestRules}): a record the emulation would dead-letter is refused here,
   * as {@code FILE:LINE: field: reason}, before anything is published.
   */
  private static void refuseInvalid(RequestEvent e, String source, int line) {
    RequestRules.Violation v = RequestRules.check(e, RequestRules.MAX_ARRIVAL_MICROS);
    if (v != null) {
      throw new WorkloadException(source, line, v.field(), v.reason());
    }
  }

  private RequestEvent nextGeneratedRequest() {
    double t = arrivals.next(arrivalRng);
    long at = (long) StrictMath.floor(t);
    if (!(t < spec.durationMicros()) || at >= spec.durationMicros()) {
      cutByDuration = true;
      return null;
    }
    int ci = chooseClass();
    RequestClassSpec c = spec.classes().get(ci);
    int prompt = c.prompt().sample(lengthRng);
    int output = c.output().sample(lengthRng);
    List<Long> blocks = Collections.emptyList();
    int blockTokens = 0;
    if (c.prefix() != null) {
      blockTokens = c.prefix().blockTokens();
      blocks = prefixBlocks(ci, c.prefix(), prompt / blockTokens);
    }
    return new RequestEvent(EventKind.REQUEST, requestId(requests), at, prompt, output, blocks, blockTokens,
        c.name());
  }

  private int chooseClass() {
    int n = cumulativeWeights.length;
    if (n == 1) {
      return 0;
    }
    double u = classRng.nextDouble() * cumulativeWeights[n - 1];
    for (int i = 0; i < n - 1; i++) {
      if (u < cumulativeWeights[i]) {
        return i;
      }
    }
    return n - 1;
  }

  private List<Long> prefixBlocks(int ci, PrefixSpec p, int nBlocks) {
    List<Long> blocks = new ArrayList<>(nBlocks);
    int reused = 0;
    if (p.shared() != null) {
      PrefixSpec.Shared s = p.shared();
      boolean reuse = prefixRng.nextDouble() < s.reuseFraction();
      int prompt = prefixRng.nextInt(s.prompts());
      if (reuse) {
        reused = Math.min(nBlocks, s.tokens() / p.blockTokens());
        for (int i = 0; i < reused; i++) {
          blocks.add(Rng.hash(seed, TAG_SHARED, classHashes[ci], prompt, i));
        }
      }
    } else if (p.sessions() != null) {
      PrefixSpec.Sessions s = p.sessions();
      int slot = prefixRng.nextInt(s.concurrent());
      if (sessionTurns[ci][slot] >= s.turns()) {
        sessionGeneration[ci][slot]++;
        sessionTurns[ci][slot] = 0;
      }
      sessionTurns[ci][slot]++;
      int generation = sessionGeneration[ci][slot];
      reused = (int) StrictMath.floor(s.reuseFraction() * nBlocks + 1e-9);
      for (int i = 0; i < reused; i++) {
        blocks.add(Rng.hash(seed, TAG_SESSION, classHashes[ci], slot, generation, i));
      }
    }
    for (int i = reused; i < nBlocks; i++) {
      blocks.add(Rng.hash(seed, TAG_UNIQUE, requests, i));
    }
    return blocks;
  }
}
