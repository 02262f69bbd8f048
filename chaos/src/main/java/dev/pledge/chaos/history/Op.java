package dev.pledge.chaos.history;

/**
 * One entry of a history, as Jepsen records them: a client process invokes an operation, and later the
 * same operation completes as OK (it took effect), FAIL (it certainly did not) or UNKNOWN (the client
 * cannot tell: a timeout, a lost connection, a transaction still in doubt).
 *
 * @param index   position in the history
 * @param process the client that ran it
 * @param type    INVOKE, OK, FAIL or UNKNOWN
 * @param f       what was asked: "2pc", "3pc" or a saga flow
 * @param value   the order: sku, qty, account, amount
 * @param id      the transaction or saga id, once the system named it
 * @param nanos   when, from the start of the history
 * @param detail  what the client saw
 */
public record Op(long index, int process, Type type, String f, String value, String id, long nanos, String detail) {
    public enum Type {
        INVOKE, OK, FAIL, UNKNOWN
    }
}
