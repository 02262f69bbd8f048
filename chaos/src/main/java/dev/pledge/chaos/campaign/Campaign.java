package dev.pledge.chaos.campaign;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

import dev.pledge.stack.Stack;

/** A fault campaign against a running stack. */
public interface Campaign {

    /**
     * @throws CannotRun when this machine cannot run the campaign (e.g. partitions without root)
     */
    CampaignRow run(Stack stack, Settings settings, Consumer<String> progress) throws Exception;

    /** This machine lacks what the campaign needs; the message says what, and nothing was changed. */
    final class CannotRun extends RuntimeException {
        public CannotRun(String reason) {
            super(reason);
        }
    }

    /** The campaigns by name, as {@code pledge chaos --campaign NAME} takes them. */
    enum Name {
        CRASH("crash"),
        THREE_PC_CRASHES("3pc-crashes"),
        MESSAGES("messages"),
        PARTITIONS("partitions"),
        BAD_INPUT("bad-input"),
        SOAK("soak");

        private final String label;

        Name(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        public Campaign create() {
            return switch (this) {
                case CRASH -> new CrashCampaign();
                case THREE_PC_CRASHES -> new ThreePhaseCrashCampaign();
                case MESSAGES -> new MessageCampaign();
                case PARTITIONS -> new PartitionCampaign();
                case BAD_INPUT -> new BadInputCampaign();
                case SOAK -> new SoakCampaign();
            };
        }

        public static Optional<Name> of(String text) {
            return Arrays.stream(values()).filter(n -> n.label.equals(text.trim().toLowerCase(Locale.ROOT))).findFirst();
        }

        public static String labels() {
            return String.join(", ", Arrays.stream(values()).map(Name::label).toList());
        }
    }
}
