package io.cmbench.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.cmbench.schemas.EventKind;
import io.cmbench.schemas.RequestEvent;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RequestStreamTest {

  static List<RequestEvent> all(WorkloadSpec spec, long seed) {
    List<RequestEvent> out = new ArrayList<>();
    new RequestStream(spec, seed).forEachRemaining(out::add);
    return out;
  }

  static byte[] encodedBytes(WorkloadSpec spec, long seed) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    RequestStream s = new RequestStream(spec, seed);
    while (s.hasNext()) {
      ByteBuffer b = s.next().toByteBuffer();
      byte[] a = new byte[b.remaining()];
      b.get(a);
      bytes.write(a);
    }
    return bytes.toByteArray();
  }

  @Test
  void sameSeedGivesIdenticalBytesDifferentSeedDoesNot() throws Exception {
    for (String name : WorkloadSpec.BUILTIN) {
      WorkloadSpec spec = WorkloadSpec.builtin(name).withDurationMicros(5_000_000);
      byte[] a = encodedBytes(spec, 42);
      byte[] b = encodedBytes(spec, 42);
      byte[] c = encodedBytes(spec, 43);
      assertThat(a).as(name).isNotEmpty();
      assertThat(a).as(name).isEqualTo(b);
      assertThat(a).as(name).isNotEqualTo(c);
    }
  }

  @Test
  void eventsAreTimeOrderedWithSequentialZeroPaddedIds() {
    List<RequestEvent> events = all(WorkloadSpec.builtin("multiturn-90").withDurationMicros(20_000_000), 1);
    long prev = Long.MIN_VALUE;
    long n = 0;
    String prevId = "";
    for (RequestEvent e : events) {
      assertThat(e.getArrivalTimeMicros()).isGreaterThanOrEqualTo(prev);
      prev = e.getArrivalTimeMicros();
      if (e.getKind() == EventKind.REQUEST) {
        assertThat(e.getRequestId()).isEqualTo(RequestStream.requestId(n++)).hasSize(11);
        assertThat(e.getRequestId().compareTo(prevId)).isPositive();
        prevId = e.getRequestId();
        assertThat(e.getArrivalTimeMicros()).isBetween(0L, 20_000_000L - 1);
      }
    }
    assertThat(RequestStream.requestId(42)).isEqualTo("r0000000042");
    assertThat(n).isGreaterThan(300);
  }

  @Test
  void poissonStreamHasTheRightRateAndCv() {
    WorkloadSpec spec = WorkloadSpec.poisson(500, 200_000_000L, 4096, 256);
    List<RequestEvent> events = all(spec, 2024);
    List<Long> times = new ArrayList<>();
    for (RequestEvent e : events) {
      if (e.getKind() == EventKind.REQUEST) {
        times.add(e.getArrivalTimeMicros());
        assertThat(e.getPromptTokens()).isEqualTo(4096);
        assertThat(e.getOutputTokens()).isEqualTo(256);
        assertThat(e.getPrefixBlocks()).isEmpty();
      }
    }
    assertThat((double) times.size()).isCloseTo(100_000, within(4 * Math.sqrt(100_000)));
    double sum = 0;
    double sumSq = 0;
    for (int i = 1; i < times.size(); i++) {
      double g = times.get(i) - times.get(i - 1);
      sum += g;
      sumSq += g * g;
    }
    int n = times.size() - 1;
    double mean = sum / n;
    double cv = Math.sqrt(sumSq / n - mean * mean) / mean;
    assertThat(mean).isCloseTo(2000, within(20.0));
    assertThat(cv).isCloseTo(1.0, within(0.02));
  }

  @Test
  void heartbeatsComeEveryIntervalAndAFinalOneEndsTheSpan() {
    // 1 request every 3.5 s, heartbeat interval 1 s, 10 s duration.
    WorkloadSpec spec = WorkloadSpec.constant(1 / 3.5, 10_000_000, 100, 10)
        .withHeartbeatIntervalMicros(1_000_000);
    List<RequestEvent> events = all(spec, 0);
    List<String> trace = events.stream()
        .map(e -> (e.getKind() == EventKind.HEARTBEAT ? "hb@" : "r@") + e.getArrivalTimeMicros() / 100_000)
        .toList();
    // Requests at 3.5 s and 7.0 s; a heartbeat at every whole second, requests or not (the one at 7 s after the
    // request of the same time); the last ends the span.
    assertThat(trace).containsExactly(
        "hb@10", "hb@20", "hb@30", "r@35", "hb@40", "hb@50", "hb@60", "r@70", "hb@70", "hb@80", "hb@90", "hb@100");
    RequestEvent last = events.get(events.size() - 1);
    assertThat(last.getKind()).isEqualTo(EventKind.HEARTBEAT);
    assertThat(last.getArrivalTimeMicros()).isEqualTo(10_000_000L);
    assertThat(last.getPromptTokens()).isZero();
    assertThat(last.getOutputTokens()).isZero();
    assertThat(last.getRequestId()).startsWith("hb");
  }

  @Test
  void aBusyStreamHasAHeartbeatEveryIntervalToo() {
    // requests go to one partition each: only heartbeats reach them all, so they come however busy the stream is
    List<RequestEvent> events = all(WorkloadSpec.poisson(1000, 5_000_000, 10, 10), 3);
    assertThat(events.stream().filter(RequestStream::isHeartbeat).map(RequestEvent::getArrivalTimeMicros))
        .containsExactly(1_000_000L, 2_000_000L, 3_000_000L, 4_000_000L, 5_000_000L);
    assertThat(events.get(events.size() - 1).getArrivalTimeMicros()).isEqualTo(5_000_000L);
  }

  /**
   * What the emulation job's max-lead rule needs: wherever the requests go, every partition sees a heartbeat at
   * least every interval, the first within one interval of the start, and no request more than one interval after
   * the latest heartbeat; and the stream stays in time order.
   */
  static void assertHeartbeatCadence(List<RequestEvent> events, long intervalMicros) {
    long lastHeartbeat = 0;
    long last = 0;
    for (RequestEvent e : events) {
      long t = e.getArrivalTimeMicros();
      assertThat(t).as("time order at %s", e.getRequestId()).isGreaterThanOrEqualTo(last);
      assertThat(t - lastHeartbeat).as("%s at %d: within one interval of the heartbeat at %d", e.getRequestId(), t,
          lastHeartbeat).isLessThanOrEqualTo(intervalMicros);
      if (RequestStream.isHeartbeat(e)) {
        lastHeartbeat = t;
      }
      last = t;
    }
  }

  @Test
  void everyPartitionHearsFromTheStreamAtLeastEveryInterval() {
    // a rate so low that most seconds see no request (many partitions would hear nothing for a minute)
    List<RequestEvent> sparse = all(WorkloadSpec.poisson(0.02, 600_000_000L, 10, 10), 4);
    assertHeartbeatCadence(sparse, 1_000_000);
    assertThat(sparse.stream().filter(RequestStream::isHeartbeat).count()).isEqualTo(600);
    // long off-periods, a busy ramp, an interval that does not divide the duration
    assertHeartbeatCadence(all(WorkloadSpec.of("onoff", ArrivalSpec.onOff(50, 2_000_000, 30_000_000), 100_000_000L,
        List.of(new RequestClassSpec("c", 1, LengthDistribution.fixed(10), LengthDistribution.fixed(2), null))), 5),
        1_000_000);
    assertHeartbeatCadence(all(WorkloadSpec.poisson(2000, 3_300_000, 10, 10).withHeartbeatIntervalMicros(700_000), 6),
        700_000);
    assertHeartbeatCadence(all(WorkloadSpec.poisson(10, 3_600_000_000L, 10, 10).withMaxRequests(25), 3), 1_000_000);
  }

  @Test
  void maxRequestsCutsTheStreamAndTheFinalHeartbeatIsAtTheLastArrival() {
    List<RequestEvent> events = all(WorkloadSpec.poisson(10, 3_600_000_000L, 10, 10).withMaxRequests(25), 3);
    assertThat(events.stream().filter(e -> !RequestStream.isHeartbeat(e)).count()).isEqualTo(25);
    RequestEvent last = events.get(events.size() - 1);
    assertThat(RequestStream.isHeartbeat(last)).isTrue();
    assertThat(last.getArrivalTimeMicros()).isEqualTo(events.get(events.size() - 2).getArrivalTimeMicros());
  }

  @Test
  void classesAreMixedByWeight() {
    WorkloadSpec spec = WorkloadSpec.of("mix", ArrivalSpec.poisson(1000), 100_000_000L, List.of(
        new RequestClassSpec("a", 3, LengthDistribution.fixed(10), LengthDistribution.fixed(1), null),
        new RequestClassSpec("b", 1, LengthDistribution.fixed(20), LengthDistribution.fixed(2), null)));
    Map<String, Integer> counts = new HashMap<>();
    for (RequestEvent e : all(spec, 8)) {
      if (!RequestStream.isHeartbeat(e)) {
        counts.merge(e.getRequestClass(), 1, Integer::sum);
        assertThat(e.getPromptTokens()).isEqualTo(e.getRequestClass().equals("a") ? 10 : 20);
      }
    }
    double total = counts.get("a") + counts.get("b");
    assertThat(counts.get("a") / total).isCloseTo(0.75, within(0.01));
  }

  @Test
  void arrivalsDoNotDependOnTheClassMix() {
    WorkloadSpec one = WorkloadSpec.poisson(100, 10_000_000, 10, 10);
    WorkloadSpec two = WorkloadSpec.builtin("multiturn-90").withDurationMicros(10_000_000);
    // same arrival process (Poisson 100/s vs 20/s differ) - use the same rate:
    two = WorkloadSpec.of("x", ArrivalSpec.poisson(100), 10_000_000, two.classes());
    List<Long> a = all(one, 5).stream().filter(e -> !RequestStream.isHeartbeat(e))
        .map(RequestEvent::getArrivalTimeMicros).toList();
    List<Long> b = all(two, 5).stream().filter(e -> !RequestStream.isHeartbeat(e))
        .map(RequestEvent::getArrivalTimeMicros).toList();
    assertThat(a).isEqualTo(b);
  }

  @Test
  void sessionPrefixReuseSharesTheLeadingBlocksOfASession() {
    PrefixSpec prefix = new PrefixSpec(128, null, new PrefixSpec.Sessions(4, 5, 0.5));
    WorkloadSpec spec = WorkloadSpec.of("s", ArrivalSpec.poisson(100), 20_000_000, List.of(
        new RequestClassSpec("chat", 1, LengthDistribution.fixed(1280), LengthDistribution.fixed(8), prefix)));
    Set<Long> seen = new HashSet<>();
    long blocks = 0;
    long hits = 0;
    for (RequestEvent e : all(spec, 1)) {
      if (RequestStream.isHeartbeat(e)) {
        continue;
      }
      assertThat(e.getPrefixBlockTokens()).isEqualTo(128);
      assertThat(e.getPrefixBlocks()).hasSize(10);
      for (Long b : e.getPrefixBlocks()) {
        blocks++;
        if (!seen.add(b)) {
          hits++;
        }
      }
    }
    // 5 of 10 blocks reused; the first turn of each session misses: ~0.5 * 4/5 = 0.4
    assertThat(hits / (double) blocks).isCloseTo(0.4, within(0.02));
  }

  @Test
  void sharedSystemPromptsAreReusedWithTheGivenFraction() {
    PrefixSpec prefix = new PrefixSpec(100, new PrefixSpec.Shared(2, 300, 0.8), null);
    WorkloadSpec spec = WorkloadSpec.of("s", ArrivalSpec.poisson(100), 50_000_000, List.of(
        new RequestClassSpec("sys", 1, LengthDistribution.fixed(1000), LengthDistribution.fixed(8), prefix)));
    Map<Long, Integer> firstBlockCounts = new HashMap<>();
    int n = 0;
    for (RequestEvent e : all(spec, 1)) {
      if (!RequestStream.isHeartbeat(e)) {
        n++;
        assertThat(e.getPrefixBlocks()).hasSize(10);
        firstBlockCounts.merge(e.getPrefixBlocks().get(0), 1, Integer::sum);
      }
    }
    List<Integer> shared = firstBlockCounts.values().stream().filter(c -> c > 1).toList();
    assertThat(shared).hasSize(2);
    assertThat(shared.stream().mapToInt(Integer::intValue).sum() / (double) n).isCloseTo(0.8, within(0.03));
  }
}
