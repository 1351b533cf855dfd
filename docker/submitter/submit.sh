#!/usr/bin/env bash
# Job submitter of docker-compose.yml: waits for the JobManager's REST API, then submits the two cmbench
# jobs to the session cluster (detached) with Flink's CLI. Extra job options: EMULATION_ARGS, ANALYTICS_ARGS.
set -euo pipefail
REST="${JOBMANAGER_REST:-jobmanager:8081}"
BOOTSTRAP="${KAFKA_BOOTSTRAP:-kafka:9092}"
JAR=/opt/flink/usrlib/cmbench-jobs.jar

if [[ ! -s "$JAR" ]]; then
  echo "job-submitter: $JAR is missing: build it on the host with 'mvn -B -DskipTests package' (jobs/target/cmbench-jobs-*-job.jar)" >&2
  exit 1
fi
for _ in $(seq 1 60); do
  if /opt/flink/bin/flink list -m "$REST" >/dev/null 2>&1; then break; fi
  sleep 2
done
/opt/flink/bin/flink list -m "$REST" >/dev/null || { echo "job-submitter: no Flink REST API at $REST" >&2; exit 1; }

# shellcheck disable=SC2086
/opt/flink/bin/flink run -m "$REST" -d -c io.cmbench.jobs.ServingEmulationJob "$JAR" --bootstrap "$BOOTSTRAP" --checkpoint-interval-ms 10000 ${EMULATION_ARGS:-}
# shellcheck disable=SC2086
/opt/flink/bin/flink run -m "$REST" -d -c io.cmbench.jobs.SloAnalyticsJob "$JAR" --bootstrap "$BOOTSTRAP" --checkpoint-interval-ms 10000 ${ANALYTICS_ARGS:-}
echo "job-submitter: both jobs submitted; Flink UI at http://127.0.0.1:8081"
