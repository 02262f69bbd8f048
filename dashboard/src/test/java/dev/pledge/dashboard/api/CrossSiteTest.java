package dev.pledge.dashboard.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which requests may change something on the dashboard, by what the browser says of their source. */
class CrossSiteTest {
    /** method, Sec-Fetch-Site, Origin, Host, allowed, and why ("-" for a header not sent). */
    private static final String TABLE = """
            POST   same-origin  http://127.0.0.1:8084      127.0.0.1:8084  yes  the dashboard's own page
            POST   -            http://127.0.0.1:8084      127.0.0.1:8084  yes  an older browser, same origin
            DELETE -            -                          127.0.0.1:8084  yes  no browser: curl, the CLI, a test
            POST   cross-site   https://evil.example       127.0.0.1:8084  no   another site's page posting
            PUT    same-site    http://127.0.0.1:9999      127.0.0.1:8084  no   another port of the same host is another origin
            POST   -            https://evil.example       127.0.0.1:8084  no   an older browser, another site
            POST   -            http://127.0.0.1:9999      127.0.0.1:8084  no   another origin by port
            POST   -            null                       127.0.0.1:8084  no   a sandboxed or opaque origin
            POST   -            http://127.0.0.1:8084      -               no   no Host to compare with
            POST   none         -                          127.0.0.1:8084  yes  from the address bar
            GET    cross-site   https://evil.example       127.0.0.1:8084  yes  reading changes nothing
            """;

    @Test
    void aControlAnswersOnlyTheDashboardsOwnPages() {
        for (String line : TABLE.strip().split("\n")) {
            String[] f = line.strip().split("\\s+", 6);
            boolean refused = CrossSite.refusal(f[0], dash(f[1]), dash(f[2]), dash(f[3])).isPresent();
            assertThat(!refused).as(line.strip()).isEqualTo(f[4].equals("yes"));
        }
    }

    private static String dash(String s) {
        return s.equals("-") ? null : s;
    }
}
