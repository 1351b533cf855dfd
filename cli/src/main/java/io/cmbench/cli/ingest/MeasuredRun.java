package io.cmbench.cli.ingest;

import java.util.List;

/**
 * What a measured-timings file holds: the successful requests, and how many it records as failed (errored,
 * cancelled or incomplete) — those are left out of the analytics, counted, never dropped silently.
 *
 * @param format the format the file was read as
 * @param failedRequests requests the tool records as failed
 * @param firstFailure the first failed request's error as recorded (null when none failed)
 * @param arrivals how arrival times were obtained (one line for the console and summary.json)
 */
public record MeasuredRun(IngestFormat format, List<MeasuredRequest> requests, int failedRequests, String firstFailure,
                          String arrivals) {
    public MeasuredRun {
        requests = List.copyOf(requests);
    }
}
