package io.cmbench.model;

import io.cmbench.model.spec.Deployment;
import io.cmbench.model.spec.HardwareProfile;
import io.cmbench.model.spec.ModelSpec;

/**
 * The bytes the model takes in the deployment's data types: per element of each type, the KV cache per token, the
 * attention weights per layer and one token's dispatch/combine message. Decode, prefill, the memory plan and KV movement
 * all size their traffic and footprint from these.
 */
final class ModelBytes {
    final double weightBytesPerElement, kvBytesPerElement, activationBytesPerElement, lmHeadBytesPerElement,
            kvBProjBytesPerElement;
    final double kvBytesPerTokenPerLayer;
    /** The main model's layers. */
    final double kvBytesPerToken;
    /** As stored, moved and cached: the main layers plus the MTP module's own layer. */
    final double kvStoredBytesPerToken;
    /** MLA prolog (q_a, kv_a, q_b in the weight type; W_UK in kv_b_proj's) and output (W_UV, o_proj) weights of a layer. */
    final double prologWeightBytes, outputWeightBytes;
    /** Every attention weight of a layer (kv_b_proj in its own type). */
    final double attentionWeightBytes;
    /** One token's dispatch message (its activations plus the profile's per-message overhead) and combine message (BF16). */
    final double dispatchMessageBytes, combineMessageBytes;

    ModelBytes(HardwareProfile hw, ModelSpec m, Deployment.Quantization dq) {
        double wB = weightBytesPerElement = Deployment.bytesOf(dq.weights());
        double kvB = kvBytesPerElement = Deployment.bytesOf(dq.kvCache());
        double actB = activationBytesPerElement = Deployment.bytesOf(dq.activations());
        lmHeadBytesPerElement = Deployment.bytesOf(dq.lmHead());
        double kvbB = kvBProjBytesPerElement = Deployment.bytesOf(dq.kvBProj());
        kvBytesPerTokenPerLayer = m.kvElementsPerTokenPerLayer() * kvB;
        kvBytesPerToken = kvBytesPerTokenPerLayer * m.layers();
        kvStoredBytesPerToken = kvBytesPerTokenPerLayer * (m.layers() + m.mtpModules());
        double dispatchOverhead = Math.max(0, hw.ep().dispatchMessageBytes() - m.hidden() * 1.0);
        dispatchMessageBytes = m.hidden() * actB + dispatchOverhead;
        combineMessageBytes = m.hidden() * 2.0;
        double pProlog8 = m.qAParams() + m.kvAParams() + m.qBParams();
        prologWeightBytes = pProlog8 * wB + m.wUkParams() * kvbB;
        outputWeightBytes = m.wUvParams() * kvbB + m.oParams() * wB;
        attentionWeightBytes = (m.attentionParams() - m.kvBParams()) * wB + m.kvBParams() * kvbB;
    }
}
