package dev.pledge.common.identity;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.security.identity.SecurityIdentity;

/**
 * The audit trail of operator actions that live in a process's memory (arming a crash point, a pause, saga
 * silence): one line each on the {@code pledge.audit} log category, naming the caller whose key signed the
 * request. An outcome forced on a transaction is audited in the coordinator's log instead ({@code forced_outcomes}).
 */
@ApplicationScoped
public class Audit {
    private static final Logger LOG = Logger.getLogger("pledge.audit");

    @Inject
    SecurityIdentity caller;

    /** Records that the authenticated caller of the current request did {@code what}. */
    public void record(String what) {
        LOG.infof("%s (authenticated) %s", caller.isAnonymous() ? "anonymous" : caller.getPrincipal().getName(), what);
    }
}
