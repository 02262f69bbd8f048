package dev.pledge.bench;

import java.math.BigDecimal;

/**
 * One order of the benchmark: one unit of a bench product, paid from the client's own account, so products
 * are the only rows orders contend for ({@code --skus} of them).
 *
 * @param gid a fresh id: the prepared transactions' names and the floor logs' keys
 */
public record BenchOrder(String gid, String sku, String account, BigDecimal amount) {
    public static final BigDecimal AMOUNT = new BigDecimal("0.01");
}
