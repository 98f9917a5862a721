package caravan.guardrails.secrets;

import caravan.guardrails.Scanned;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Each issuer's credentials found and named, and what merely resembles them left alone. */
class SecretScannerTest {

    private static final SecretScanner SCANNER = new SecretScanner();

    @Test
    void keysByTheirIssuersPrefixes() {
        assertThat(kinds("key sk-proj-Q3xv9Lm2Pz8Rt5Wk1Ys7Bn4Hd6Jf0Ga2Ce here")).containsExactly("OpenAI API key");
        assertThat(kinds("sk-ant-api03-Zq8xW2v4Rt6Yu8Io0Pa2Sd4Fg6Hj8Kl0Zx-abcDEF")).containsExactly("Anthropic API key");
        assertThat(kinds("AWS_ACCESS_KEY_ID AKIAIOSFODNN7EXAMPLE")).containsExactly("AWS access key");
        assertThat(kinds("ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5 and github_pat_11ABCDEFG0aBcDeFgHiJkL_mNoPqRsTuVwXyZ"))
                .containsExactly("GitHub token", "GitHub token");
        assertThat(kinds("slack xoxb-1234567890-0987654321-AbCdEfGhIjKl")).containsExactly("Slack token");
    }

    @Test
    void privateKeyBlocksAreReplacedWhole() {
        String pem = """
                here: -----BEGIN RSA PRIVATE KEY-----
                MIIEowIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MhgwMbRvI0MBZhpF
                -----END RSA PRIVATE KEY----- done""";

        assertThat(kinds(pem)).containsExactly("private key");
        assertThat(Scanned.redacted(SCANNER, pem)).isEqualTo("here: [SECRET] done");
    }

    @Test
    void jsonWebTokens() {
        String jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";

        assertThat(Scanned.texts(SCANNER, "token " + jwt + ".")).containsExactly(jwt);
    }

    @Test
    void highEntropyStringsWhereTextSaysTheyAreCredentials() {
        assertThat(kinds("Authorization: Bearer 9fK2mQ7xL4pR8sT1vW6yZ3bN5cD0eG2h")).containsExactly("high-entropy credential");
        assertThat(kinds("api_key = \"Zx8Qp2Lm9Rt4Wv7Ys1Bn6Hd3Jf0Ga5Ce\"")).containsExactly("high-entropy credential");
        assertThat(kinds("DB_PASSWORD=c7V9pQ2xL5mR8tW1yZ4bN6dF3gH0jK")).containsExactly("high-entropy credential");
    }

    @Test
    void lookalikesAreLeftAlone() {
        assertThat(kinds("""
                sk-short, the sk- prefix, AKIA1234, ghp_short, xoxb-1, ask-about-it, risk-free-investing-for-everyone,
                Bearer aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa, password: hunter2, token = abcdefghijklmnopqrstuvwxyz,
                eyJ and more, -----BEGIN CERTIFICATE----- MIIB -----END CERTIFICATE-----""")).isEmpty();
    }

    private static java.util.List<String> kinds(String text) {
        return Scanned.in(SCANNER, text).stream().map(Scanned.Found::kind).toList();
    }
}
