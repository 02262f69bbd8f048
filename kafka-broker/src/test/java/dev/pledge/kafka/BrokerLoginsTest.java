package dev.pledge.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BrokerLoginsTest {
    private static final String ALL = "admin:aaaaaaaaaaaaaaaa,saga-orchestrator:bbbbbbbbbbbbbbbb,"
            + "inventory:cccccccccccccccc,payment:dddddddddddddddd,operator:eeeeeeeeeeeeeeee";

    @Test
    void readsEveryLogin() {
        assertThat(BrokerMain.logins(ALL)).hasSize(5).containsEntry("inventory", "cccccccccccccccc");
    }

    @Test
    void refusesToStartWithoutLogins() {
        assertThatThrownBy(() -> BrokerMain.logins(null)).hasMessageContaining("PLEDGE_KAFKA_USERS is not set");
    }

    @Test
    void refusesToStartWithAUserMissing() {
        assertThatThrownBy(() -> BrokerMain.logins(ALL.replace(",operator:eeeeeeeeeeeeeeee", "")))
                .hasMessageContaining("no login for operator");
    }

    @Test
    void refusesAPasswordThatWouldBreakTheJaasLineOrIsShort() {
        assertThatThrownBy(() -> BrokerMain.logins(ALL.replace("aaaaaaaaaaaaaaaa", "aaaaaaaaaaaaaa\";x")))
                .hasMessageContaining("password of admin");
        assertThatThrownBy(() -> BrokerMain.logins(ALL.replace("bbbbbbbbbbbbbbbb", "short")))
                .hasMessageContaining("password of saga-orchestrator");
    }

    @Test
    void neverPrintsAPasswordInItsErrors() {
        assertThatThrownBy(() -> BrokerMain.logins("inventory"))
                .hasMessageNotContaining("inventory:").hasMessageContaining("expected name:password");
        // a password written before its user's name
        assertThatThrownBy(() -> BrokerMain.logins(ALL.replace("admin:aaaaaaaaaaaaaaaa", "s3cretpassword99:admin")))
                .hasMessageNotContaining("s3cretpassword99").hasMessageContaining("an unknown user");
    }
}
