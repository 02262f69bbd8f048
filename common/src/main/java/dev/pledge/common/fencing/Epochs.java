package dev.pledge.common.fencing;

/**
 * Fencing of coordinator replicas. Every transaction has an epoch in the coordinator's log: 1 when it
 * begins, one more each time another replica takes it over. Every call a coordinator makes to a
 * participant carries the epoch it drives the transaction under, and a participant refuses a call older
 * than the newest it has seen for that branch, so a replica that lost a transaction cannot act on it.
 */
public final class Epochs {
    /** The request header that carries the epoch. */
    public static final String HEADER = "Pledge-Epoch";
    /** The epoch of a transaction no replica has taken over. */
    public static final long FIRST = 1;

    private Epochs() {
    }
}
