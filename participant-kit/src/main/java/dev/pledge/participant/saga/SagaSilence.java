package dev.pledge.participant.saga;

import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

/**
 * A fault switch: saga commands whose verb is silenced are taken from Kafka and dropped, with no effect and
 * no reply, as from a participant that has gone quiet. The orchestrator then sees timeouts, retries and
 * finally compensates. Switched through {@code /admin/saga-silence}.
 */
@ApplicationScoped
public class SagaSilence {
    private static final Logger LOG = Logger.getLogger(SagaSilence.class);

    private final Set<String> silenced = new ConcurrentSkipListSet<>();

    public void silence(String verb) {
        silenced.add(verb);
        LOG.warnf("saga commands '%s' are now dropped without a reply", verb);
    }

    public void speak(String verb) {
        if (silenced.remove(verb)) {
            LOG.infof("saga commands '%s' are handled again", verb);
        }
    }

    public boolean isSilenced(String verb) {
        return silenced.contains(verb);
    }

    public Set<String> silenced() {
        return new TreeSet<>(silenced);
    }
}
