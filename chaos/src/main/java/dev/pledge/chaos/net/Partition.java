package dev.pledge.chaos.net;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import dev.pledge.stack.OsUser;
import dev.pledge.stack.Processes;
import dev.pledge.stack.StackException;

/**
 * One participant on a network of its own, so that it can be cut off and healed: a network namespace
 * joined to the host by a veth pair, with the participant's service running inside it.
 *
 * <p>Nothing in the stack's configuration changes: everyone still uses 127.0.0.1 and the usual ports.
 * On the host, connections to the participant's port are sent across the veth into the namespace; inside
 * it, connections to any other local port (its database, Kafka, the coordinator, its peer) are sent back
 * across to the host. Both sides rewrite addresses: the servers on the host see a loopback client, while the
 * participant inside sees its callers at the host's end of the veth, not on loopback, so reading from it takes
 * a caller's token there (docs/security.md; the coordinator's and peers' calls carry one, and probes are open).
 *
 * <p>A cut drops every packet on the veth except those between the participant and its own database:
 * the participant's node (service and database) loses the coordinator, its peer and Kafka, as a machine
 * whose network fails would. Its database stays readable from the host, so the checker can watch its
 * prepared transactions through the cut. Healing removes the drop rules. Needs root, {@code ip} and
 * {@code iptables}.
 */
public final class Partition implements AutoCloseable {
    private static final Duration COMMAND = Duration.ofSeconds(20);
    private static final String CUT_CHAIN = "PLEDGE-CUT";

    private final String namespace;
    private final String hostLink;
    private final String innerLink;
    private final String hostAddress;
    private final String innerAddress;
    private final String chainPrefix;
    private final int servicePort;
    private final int databasePort;
    private final Consumer<String> progress;
    private boolean cut;
    private boolean closed;

    /**
     * @param service      the participant's name, for the namespace's name and messages
     * @param servicePort  the port its service listens on (127.0.0.1)
     * @param databasePort the port of its own PostgreSQL server, which a cut leaves reachable
     */
    private Partition(String service, int servicePort, int databasePort, Consumer<String> progress) {
        this.namespace = "pledge-" + service + "-" + servicePort;
        this.hostLink = "plg" + servicePort + "h";
        this.innerLink = "plg" + servicePort + "n";
        // a /30 of its own per port, in 10.200.0.0/14
        int base = (servicePort & 0xFFFF) << 2;
        String net = "10." + (200 + (base >> 16)) + "." + ((base >> 8) & 0xFF) + ".";
        this.hostAddress = net + ((base & 0xFF) + 1);
        this.innerAddress = net + ((base & 0xFF) + 2);
        this.chainPrefix = "PLG" + servicePort + "-";
        this.servicePort = servicePort;
        this.databasePort = databasePort;
        this.progress = progress;
    }

    /** Why partitions cannot be made on this machine, or empty when they can. */
    public static Optional<String> unavailable() {
        if (!OsUser.isRoot()) {
            return Optional.of("network partitions need root (network namespaces and iptables); run as root to include them");
        }
        for (String tool : List.of("ip", "iptables", "sysctl")) {
            if (onPath(tool).isEmpty()) {
                return Optional.of("network partitions need '" + tool + "', which is not installed (Debian: apt-get install "
                        + (tool.equals("ip") ? "iproute2" : tool.equals("sysctl") ? "procps" : "iptables") + ")");
            }
        }
        return Optional.empty();
    }

    /** Builds the namespace, the veth pair and the address rewriting. The service is then started inside it. */
    public static Partition create(String service, int servicePort, int databasePort, Consumer<String> progress) {
        Partition p = new Partition(service, servicePort, databasePort, progress);
        p.removeLeftovers();
        try {
            p.build();
        } catch (StackException e) {
            p.removeLeftovers();
            throw e;
        }
        progress.accept("network namespace " + p.namespace + " ready: " + service + " reached over " + p.hostLink
                + " (" + p.hostAddress + " <-> " + p.innerAddress + ")");
        return p;
    }

    public String namespace() {
        return namespace;
    }

    /** Drops everything on the link but the participant's own database traffic. */
    public synchronized void cut() {
        if (cut) {
            return;
        }
        inside("iptables", "-A", CUT_CHAIN, "-o", innerLink, "-p", "tcp", "-d", hostAddress, "--dport",
                Integer.toString(databasePort), "-j", "ACCEPT");
        inside("iptables", "-A", CUT_CHAIN, "-i", innerLink, "-p", "tcp", "-s", hostAddress, "--sport",
                Integer.toString(databasePort), "-j", "ACCEPT");
        inside("iptables", "-A", CUT_CHAIN, "-o", innerLink, "-j", "DROP");
        inside("iptables", "-A", CUT_CHAIN, "-i", innerLink, "-j", "DROP");
        cut = true;
    }

    /** Lets every packet through again. Connections that outlived the cut carry on. */
    public synchronized void heal() {
        if (!closed) {
            inside("iptables", "-F", CUT_CHAIN);
        }
        cut = false;
    }

    /**
     * Removes the namespace and the host's rules; from then on the participant's port is the host's own
     * again. Stop the service inside first. Closing twice is harmless.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        removeLeftovers();
        cut = false;
        closed = true;
        progress.accept("network namespace " + namespace + " removed");
    }

    private void build() {
        run("ip", "netns", "add", namespace);
        run("ip", "link", "add", hostLink, "type", "veth", "peer", "name", innerLink);
        run("ip", "link", "set", innerLink, "netns", namespace);
        run("ip", "addr", "add", hostAddress + "/30", "dev", hostLink);
        run("ip", "link", "set", hostLink, "up");
        // packets to and from 127.0.0.1 may cross the link only with route_localnet on both of its ends
        run("sysctl", "-qw", "net.ipv4.conf." + hostLink + ".route_localnet=1");
        inside("ip", "addr", "add", innerAddress + "/30", "dev", innerLink);
        inside("ip", "link", "set", innerLink, "up");
        inside("ip", "link", "set", "lo", "up");
        inside("sysctl", "-qw", "net.ipv4.conf." + innerLink + ".route_localnet=1");

        // host: the participant's port leads into the namespace; what comes out of it lands on 127.0.0.1
        hostChain("OUTPUT", "OUT", "-o", "lo", "-d", "127.0.0.1", "-p", "tcp", "--dport", Integer.toString(servicePort),
                "-j", "DNAT", "--to-destination", innerAddress);
        hostChain("POSTROUTING", "POST", "-o", hostLink, "-j", "SNAT", "--to-source", hostAddress);
        hostChain("PREROUTING", "PRE", "-i", hostLink, "-d", hostAddress, "-p", "tcp", "-j", "DNAT",
                "--to-destination", "127.0.0.1");
        // PostgreSQL trusts loopback clients only
        hostChain("INPUT", "IN", "-i", hostLink, "-p", "tcp", "-j", "SNAT", "--to-source", "127.0.0.1");

        // namespace: every local port but the participant's own leads back to the host
        inside("iptables", "-t", "nat", "-A", "OUTPUT", "-o", "lo", "-d", "127.0.0.1", "-p", "tcp", "!", "--dport",
                Integer.toString(servicePort), "-j", "DNAT", "--to-destination", hostAddress);
        inside("iptables", "-t", "nat", "-A", "POSTROUTING", "-o", innerLink, "-j", "SNAT", "--to-source", innerAddress);
        inside("iptables", "-t", "nat", "-A", "PREROUTING", "-i", innerLink, "-d", innerAddress, "-p", "tcp", "-j", "DNAT",
                "--to-destination", "127.0.0.1");
        inside("iptables", "-N", CUT_CHAIN);
        inside("iptables", "-A", "INPUT", "-j", CUT_CHAIN);
        inside("iptables", "-A", "OUTPUT", "-j", CUT_CHAIN);
    }

    /** A chain of our own in the host's nat table, jumped to from a built-in one, so removal is exact. */
    private void hostChain(String builtIn, String suffix, String... rule) {
        String chain = chainPrefix + suffix;
        run("iptables", "-t", "nat", "-N", chain);
        run("iptables", "-t", "nat", "-A", builtIn, "-j", chain);
        List<String> cmd = new ArrayList<>(List.of("iptables", "-t", "nat", "-A", chain));
        cmd.addAll(List.of(rule));
        run(cmd.toArray(String[]::new));
    }

    /** Removes what an earlier run (perhaps killed) left: the host's chains, the namespace and the veth pair. */
    private void removeLeftovers() {
        for (String[] hook : new String[][] {{"OUTPUT", "OUT"}, {"POSTROUTING", "POST"}, {"PREROUTING", "PRE"},
                {"INPUT", "IN"}}) {
            String chain = chainPrefix + hook[1];
            quietly("iptables", "-t", "nat", "-D", hook[0], "-j", chain);
            quietly("iptables", "-t", "nat", "-F", chain);
            quietly("iptables", "-t", "nat", "-X", chain);
        }
        quietly("ip", "netns", "delete", namespace); // takes its end of the veth pair, and so the pair, with it
        quietly("ip", "link", "delete", hostLink);
    }

    private void inside(String... command) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", namespace, tool(command[0])));
        cmd.addAll(List.of(command).subList(1, command.length));
        run(cmd.toArray(String[]::new));
    }

    private static void run(String... command) {
        List<String> cmd = new ArrayList<>(List.of(command));
        cmd.set(0, tool(command[0]));
        Processes.run(cmd, COMMAND);
    }

    /** A tool's full path: root's tools live in sbin, which a user's PATH may lack. */
    private static String tool(String name) {
        return onPath(name).map(Path::toString).orElse(name);
    }

    private static void quietly(String... command) {
        try {
            run(command);
        } catch (StackException e) {
            // not there: nothing to remove
        }
    }

    private static Optional<Path> onPath(String tool) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.addAll(List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin"));
        return dirs.stream().filter(d -> !d.isEmpty()).map(d -> Path.of(d, tool)).filter(Files::isExecutable).findFirst();
    }
}
