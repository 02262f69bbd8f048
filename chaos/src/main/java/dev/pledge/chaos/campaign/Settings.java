package dev.pledge.chaos.campaign;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How a campaign runs.
 *
 * @param seed      drives every random choice: which fault, when, which orders
 * @param rounds    check rounds; each runs load with faults, waits for quiet and checks
 * @param faults    faults per round
 * @param clients   concurrent clients placing orders
 * @param protocols what the clients use: 2pc, 3pc and saga flows
 * @param quiet     how long the system may take to resolve everything once the load stops
 * @param output    where histories are written
 * @param duration  how long the load runs in each round of a soak
 * @param hotRows   whether every order goes to one of two products and is paid from one of two accounts (hot
 *                  rows: orders contend for the same rows in both databases), rather than spread over four
 *                  products and a hundred accounts
 */
public record Settings(long seed, int rounds, int faults, int clients, List<String> protocols, Duration quiet,
        Path output, Duration duration, boolean hotRows) {

    public Settings {
        if (rounds < 1 || faults < 0 || clients < 1) {
            throw new IllegalArgumentException("rounds and clients must be at least 1, faults at least 0");
        }
        if (protocols.isEmpty()) {
            throw new IllegalArgumentException("name at least one protocol");
        }
        protocols = List.copyOf(protocols);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("the duration must be positive");
        }
    }
}
