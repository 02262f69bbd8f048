package dev.pledge.coordinator.protocol;

/** The atomic-commit protocols the coordinator runs. */
public enum Protocol {
    TWO_PC("2PC"), THREE_PC("3PC");

    private final String label;

    Protocol(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** The protocol's function: {@link TwoPhase#next} or {@link ThreePhase#next}. */
    public Transition next(TxView tx, Event event) {
        return this == TWO_PC ? TwoPhase.next(tx, event) : ThreePhase.next(tx, event);
    }

    /** "2PC" or "3PC", in any case. */
    public static Protocol of(String text) {
        for (Protocol p : values()) {
            if (p.label.equalsIgnoreCase(text.trim())) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown protocol " + text);
    }
}
