package dev.pledge.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import dev.pledge.identity.Caller;
import dev.pledge.identity.Identities;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "keys", mixinStandardHelpOptions = true,
        description = {"Make the callers' signing keys for a deployment, in a directory of your choice (the local"
                + " stack makes its own in its state directory): <caller>.jwk, each caller's private key, and"
                + " trust.jwks, every caller's public key. Keys already there are kept; delete one to replace it."
                + " See docs/security.md."})
final class KeysCommand implements Callable<Integer> {

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where to write them (made if missing).")
    Path out;

    @Override
    public Integer call() {
        if (Files.exists(out) && !Files.isDirectory(out)) {
            System.err.println("error: --out " + out + " is a file, not a directory");
            return 2;
        }
        List<Caller> made = new ArrayList<>();
        for (Caller c : Caller.values()) {
            if (!Files.exists(Identities.in(out).keyFile(c))) {
                made.add(c);
            }
        }
        Identities ids = Identities.in(out).ensure();
        System.out.println("Keys in " + out.toAbsolutePath().normalize() + " (" + made.size() + " made, "
                + (Caller.values().length - made.size()) + " kept):");
        StringBuilder secret = new StringBuilder("kubectl -n pledge create secret generic pledge-identity");
        for (Caller c : Caller.values()) {
            System.out.printf("  %-24s private key of %s (role %s)%n", ids.keyFile(c).getFileName(), c.id(), c.role());
            if (c != Caller.OPERATOR) {
                secret.append(" --from-file=").append(ids.keyFile(c));
            }
        }
        System.out.printf("  %-24s every caller's public key, which each service checks tokens with%n",
                ids.trustFile().getFileName());
        secret.append(" --from-file=").append(ids.trustFile());
        System.out.println("The Secret the manifests mount (every key but the operator's, which stays with you):");
        System.out.println("  " + secret);
        return 0;
    }
}
