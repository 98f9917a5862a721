package caravan.guardrails.pii;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import caravan.guardrails.Guardrail;
import caravan.guardrails.GuardrailServices;
import caravan.guardrails.ScanningGuardrail;
import caravan.guardrails.SettingsBinder;
import caravan.guardrails.Stage;
import caravan.guardrails.TextScanner;

/**
 * {@code pii}: e-mail addresses, phone numbers, card numbers, IBANs, US social security numbers and IP
 * addresses, in every text of the request (or of the answer, on the post stage). Redacts to typed
 * placeholders ({@code [EMAIL]}, {@code [PHONE]}, {@code [CREDIT_CARD]}, {@code [IBAN]}, {@code [SSN]},
 * {@code [IP_ADDRESS]}); with {@code reversible: true} the placeholders are numbered ({@code [EMAIL_1]}) and
 * the answer's are restored for the client, so the provider never sees the value and the user still does.
 */
public final class PiiGuardrail extends ScanningGuardrail {

    public static final String NAME = "pii";

    /** The guardrail's own settings, as routes, the admin API and the environment name them. */
    public static final class Settings {
        private Set<PiiType> types = EnumSet.allOf(PiiType.class);
        private boolean reversible;
        private String region = "US";

        /** Which kinds to look for: {@code email}, {@code phone}, {@code credit_card}, {@code iban}, {@code ssn}, {@code ip_address}. */
        public void setTypes(List<String> names) {
            EnumSet<PiiType> chosen = EnumSet.noneOf(PiiType.class);
            names.forEach(name -> chosen.add(PiiType.of(name)));
            if (chosen.isEmpty()) {
                throw new IllegalArgumentException("name at least one type");
            }
            types = chosen;
        }

        /** Numbered placeholders, restored in the answer for the client. */
        public void setReversible(boolean reversible) {
            this.reversible = reversible;
        }

        /** Where phone numbers written without a country code are read as dialled from (ISO 3166 code; default US). */
        public void setRegion(String region) {
            String code = region.trim().toUpperCase(java.util.Locale.ROOT);
            if (!com.google.i18n.phonenumbers.PhoneNumberUtil.getInstance().getSupportedRegions().contains(code)) {
                throw new IllegalArgumentException("unknown region '" + region + "'");
            }
            this.region = code;
        }
    }

    private final PiiScanner scanner;
    private final boolean reversible;

    PiiGuardrail(Settings settings) {
        this.scanner = new PiiScanner(settings.types, settings.region);
        this.reversible = settings.reversible;
    }

    public static Guardrail create(Map<String, Object> settings, GuardrailServices services) {
        return new PiiGuardrail(SettingsBinder.bind(new Settings(), settings, NAME));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Stage defaultStage() {
        return Stage.PRE;
    }

    @Override
    public boolean checks(Stage stage) {
        return true;
    }

    @Override
    public boolean redacts() {
        return true;
    }

    @Override
    public boolean reversible() {
        return reversible;
    }

    @Override
    public TextScanner scanner() {
        return scanner;
    }
}
