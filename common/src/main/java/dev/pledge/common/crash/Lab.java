package dev.pledge.common.crash;

/**
 * The lab switch. Fault hooks (crash points and their pauses, saga silence) exist only where
 * {@value #ENABLED} is {@code true}; anywhere else their endpoints answer 404, so nothing on the network can
 * halt a service or make it drop messages. {@code ./pledge up} turns it on for the local stack; a service
 * started any other way, and the manifests in {@code deploy/}, leave it off.
 */
public final class Lab {
    /** The configuration property (environment: {@code PLEDGE_LAB_ENABLED}). */
    public static final String ENABLED = "pledge.lab.enabled";

    private Lab() {
    }
}
