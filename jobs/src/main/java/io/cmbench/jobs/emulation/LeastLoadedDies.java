package io.cmbench.jobs.emulation;

/**
 * The dies of a decode instance in a min-heap by (sequences, reserved KV, index) — the order in which admission
 * prefers them — so that a step's admissions cost O(log dies) each instead of a scan over all dies. Built from the
 * engine's arrays at a step boundary and told of each admission; it reads the arrays, it does not own them.
 */
final class LeastLoadedDies {
    private final int[] seqs;
    private final long[] reserved;
    private final int[] heap;
    private final int[] position;

    LeastLoadedDies(int[] seqs, long[] reserved) {
        this.seqs = seqs;
        this.reserved = reserved;
        int n = seqs.length;
        heap = new int[n];
        position = new int[n];
        for (int d = 0; d < n; d++) {
            heap[d] = d;
            position[d] = d;
        }
        for (int i = n / 2 - 1; i >= 0; i--) {
            siftDown(i);
        }
    }

    /** The least loaded die of all (eligible or not). */
    int least() {
        return heap[0];
    }

    /** Die {@code d}'s load went up (a sequence admitted to it): restores the order. */
    void loadIncreased(int d) {
        siftDown(position[d]);
    }

    private boolean less(int a, int b) {
        if (seqs[a] != seqs[b]) {
            return seqs[a] < seqs[b];
        }
        if (reserved[a] != reserved[b]) {
            return reserved[a] < reserved[b];
        }
        return a < b;
    }

    private void siftDown(int i) {
        int n = heap.length;
        int d = heap[i];
        while (true) {
            int child = 2 * i + 1;
            if (child >= n) {
                break;
            }
            if (child + 1 < n && less(heap[child + 1], heap[child])) {
                child++;
            }
            if (!less(heap[child], d)) {
                break;
            }
            heap[i] = heap[child];
            position[heap[i]] = i;
            i = child;
        }
        heap[i] = d;
        position[d] = i;
    }
}
