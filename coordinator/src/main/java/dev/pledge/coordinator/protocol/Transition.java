package dev.pledge.coordinator.protocol;

import java.util.ArrayList;
import java.util.List;

/** Where an event leaves a transaction, and what is to be done about it, in order. */
public record Transition(TxView view, List<Action> actions) {
    public Transition {
        actions = List.copyOf(actions);
    }

    static Transition of(TxView view, Action... actions) {
        return new Transition(view, List.of(actions));
    }

    /** These actions, then those of a transition worked out from this one's view. */
    Transition then(Transition next) {
        List<Action> all = new ArrayList<>(actions);
        all.addAll(next.actions());
        return new Transition(next.view(), all);
    }
}
