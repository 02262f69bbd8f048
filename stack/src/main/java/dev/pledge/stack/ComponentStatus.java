package dev.pledge.stack;

/** What `pledge status` shows for one component. */
public record ComponentStatus(String name, String kind, int port, Long pid, State state, boolean healthy) {

    public enum State {
        RUNNING, STOPPED,
        /** A PID file names no live process of ours: the process died without cleaning up. */
        STALE
    }
}
