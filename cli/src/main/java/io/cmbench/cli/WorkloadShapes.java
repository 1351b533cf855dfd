package io.cmbench.cli;

import io.cmbench.loadgen.RequestStream;
import io.cmbench.loadgen.WorkloadSpec;
import io.cmbench.model.capacity.WorkloadShape;
import io.cmbench.schemas.RequestEvent;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A workload's shape for the cost model's capacity bracket, from a sample of its requests: mean prompt and output
 * lengths, and the mean prompt tokens found in the context cache if it held every block seen so far (an upper bound
 * on the hits: the EMS pool of the paper's deployment holds hundreds of millions of tokens).
 */
final class WorkloadShapes {
    private WorkloadShapes() {}

    static final long SAMPLE_REQUESTS = 20_000;

    static WorkloadShape sample(WorkloadSpec w, long seed) {
        long n = 0;
        double prompt = 0;
        double output = 0;
        double cached = 0;
        Set<Long> seen = new HashSet<>();
        try (RequestStream s = new RequestStream(w.withMaxRequests(SAMPLE_REQUESTS), seed)) {
            while (s.hasNext()) {
                RequestEvent e = s.next();
                if (RequestStream.isHeartbeat(e)) continue;
                n++;
                prompt += e.getPromptTokens();
                output += e.getOutputTokens();
                List<Long> blocks = e.getPrefixBlocks();
                int hit = 0;
                while (blocks != null && hit < blocks.size() && seen.contains(blocks.get(hit))) hit++;
                if (blocks != null) seen.addAll(blocks);
                cached += Math.min((long) hit * e.getPrefixBlockTokens(), e.getPromptTokens() - 1L);
            }
        }
        if (n == 0) throw new IllegalArgumentException("the workload offers no requests");
        return new WorkloadShape(prompt / n, Math.max(2, output / n), cached / n);
    }
}
