package io.cmbench.loadgen;

/** How the publisher paces records. */
public enum PublishMode {
  /** As fast as possible; timestamps come from the spec only. */
  SIMULATION,
  /** Open loop on the wall clock: each record is sent at its intended time (arrival / speed). */
  LIVE
}
