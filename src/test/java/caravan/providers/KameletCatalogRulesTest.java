package caravan.providers;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Element;

/**
 * Every file in {@code kamelets/} keeps the rules of the Apache Kamelet catalog, as its validator
 * ({@code script/validator/validator.go} in apache/camel-kamelets) and its contribution guidelines (that
 * repository's README) state them, so the provider Kamelets read the same in Kaoto, Camel JBang or Camel K as
 * in the gateway. Two rules are adapted to Kamelets that live outside the catalog: the provider annotation
 * names whoever provides the Kamelet (the validator wants "Apache Software Foundation", true only of the
 * catalog's own), and the catalog version is this project's version. Some are stricter than the validator:
 * a property title capitalizes every word but a few small ones (the validator lets any English stop word
 * through), a default or example has its property's type and is no property placeholder, a property whose
 * name says it holds a secret is a password, the icon is an SVG, the namespace is set, every Kamelet depends
 * on camel:kamelet, and one whose template calls {@code provider:} depends on this project's jar.
 */
class KameletCatalogRulesTest {

    private static final Path KAMELETS = Path.of("kamelets");
    private static final String SUFFIX = ".kamelet.yaml";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static final Set<String> TYPES = Set.of("source", "sink", "action");
    private static final Set<String> SUPPORT_LEVELS = Set.of("Stable", "Preview", "Deprecated");
    private static final Set<String> SCHEMA_TYPES = Set.of("string", "integer", "number", "boolean", "array", "object");
    private static final String CREDENTIALS = "urn:camel:group:credentials";
    private static final String DEPRECATED_DESCRIPTOR = "urn:alm:descriptor:com.tectonic.ui";
    private static final String ICON_PREFIX = "data:image/svg+xml;base64,";
    /** The small words a property title may leave in lower case; the validator allows these and other stop words. */
    private static final Set<String> SMALL_WORDS = Set.of(
            "a", "an", "and", "as", "at", "between", "by", "for", "from", "in", "of", "on", "or", "per", "the", "to",
            "via", "with");
    /** A property placeholder as the validator finds them: {{name}}, {{?name}}, {{name:default}}. */
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\??([A-Za-z0-9._-]+)(?::[^}]*)?}}");
    /** A property name that says it holds a secret: apiKey, secretKey, sessionToken, password. */
    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(key|secret|token|password)");
    private static final Pattern DEPENDENCY = Pattern.compile(
            "camel:[a-z0-9][a-z0-9-]*|mvn:[^:\\s]+:[^:\\s]+:[^:\\s]+|github:apache/\\S+");

    static List<Path> kameletFiles() throws IOException {
        try (var files = Files.list(KAMELETS)) {
            return files.sorted().toList();
        }
    }

    @Test
    void theDirectoryHoldsKamelets() throws IOException {
        assertFalse(kameletFiles().isEmpty(), KAMELETS + " holds no Kamelet");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kameletFiles")
    void eachKameletKeepsTheCatalogRules(Path file) {
        List<String> broken = new Check(file, Project.fromPom()).run();
        assertTrue(broken.isEmpty(), () -> "Kamelet " + file.getFileName() + " breaks " + broken.size()
                + " catalog rule(s):\n  - " + String.join("\n  - ", broken));
    }

    @Test
    void noTwoKameletsShareATitleOrADescription() throws IOException {
        Map<String, String> titles = new HashMap<>();
        Map<String, String> descriptions = new HashMap<>();
        List<String> broken = new ArrayList<>();
        for (Path file : kameletFiles()) {
            JsonNode kamelet = YAML.readTree(file.toFile());
            String name = kamelet.path("metadata").path("name").asText(file.getFileName().toString());
            JsonNode definition = kamelet.path("spec").path("definition");
            String title = definition.path("title").asText();
            String otherTitle = titles.putIfAbsent(title, name);
            if (otherTitle != null) {
                broken.add("Kamelet " + name + ": unique title: \"" + title + "\" is also " + otherTitle + "'s");
            }
            String description = definition.path("description").asText();
            String otherDescription = descriptions.putIfAbsent(description, name);
            if (otherDescription != null) {
                broken.add("Kamelet " + name + ": unique description: it is also " + otherDescription + "'s");
            }
        }
        assertTrue(broken.isEmpty(), () -> String.join("\n", broken));
    }

    /** The coordinates Kamelets name as their catalog version and as the dependency holding {@code provider:}. */
    record Project(String groupId, String artifactId, String version) {

        static Project fromPom() {
            try {
                DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
                factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
                Element project = factory.newDocumentBuilder().parse(Path.of("pom.xml").toFile()).getDocumentElement();
                return new Project(child(project, "groupId"), child(project, "artifactId"), child(project, "version"));
            } catch (Exception e) {
                throw new IllegalStateException("cannot read pom.xml", e);
            }
        }

        private static String child(Element parent, String name) {
            for (var node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
                if (node instanceof Element element && element.getTagName().equals(name)) {
                    return element.getTextContent().trim();
                }
            }
            throw new IllegalStateException("pom.xml has no project/" + name);
        }

        String mavenDependency() {
            return "mvn:" + groupId + ":" + artifactId + ":" + version;
        }
    }

    /** The rules one Kamelet file breaks, each as "rule: what was found". */
    private static final class Check {

        private final Path file;
        private final Project project;
        private final List<String> broken = new ArrayList<>();

        Check(Path file, Project project) {
            this.file = file;
            this.project = project;
        }

        List<String> run() {
            String fileName = file.getFileName().toString();
            require(fileName.endsWith(SUFFIX), "a file in kamelets/ is named <name>" + SUFFIX, fileName);
            JsonNode kamelet;
            try {
                kamelet = YAML.readTree(file.toFile());
            } catch (IOException e) {
                broken.add("valid YAML: " + e.getMessage());
                return broken;
            }
            if (kamelet == null || !kamelet.isObject()) {
                broken.add("valid YAML: the file holds no Kamelet resource");
                return broken;
            }
            JsonNode metadata = kamelet.path("metadata");
            String name = metadata.path("name").asText();
            JsonNode spec = kamelet.path("spec");
            String type = metadata.path("labels").path("camel.apache.org/kamelet.type").asText();

            Set<String> placeholders = new LinkedHashSet<>();
            Set<String> texts = new LinkedHashSet<>();
            scan(spec.path("template"), placeholders, texts);

            resource(kamelet, name);
            type(type, name);
            annotations(metadata.path("annotations"));
            definition(spec.path("definition"), type);
            template(spec, type, placeholders, texts);
            dependencies(spec, texts);
            return broken;
        }

        private void resource(JsonNode kamelet, String name) {
            require(kamelet.path("apiVersion").asText().equals("camel.apache.org/v1"),
                    "apiVersion is camel.apache.org/v1", kamelet.path("apiVersion").asText());
            require(kamelet.path("kind").asText().equals("Kamelet"), "kind is Kamelet", kamelet.path("kind").asText());
            require(!name.isEmpty(), "metadata.name is set", "none");
            String fileName = file.getFileName().toString();
            require(fileName.equals(name + SUFFIX), "the file is named <metadata.name>" + SUFFIX,
                    fileName + " holds " + name);
        }

        private void type(String type, String name) {
            if (!TYPES.contains(type)) {
                broken.add("label camel.apache.org/kamelet.type is source, sink or action: found \"" + type + "\"");
                return;
            }
            require(name.endsWith("-" + type), "a Kamelet's name ends with its type (-" + type + ")", name);
        }

        private void annotations(JsonNode annotations) {
            String icon = annotations.path("camel.apache.org/kamelet.icon").asText();
            if (!icon.startsWith(ICON_PREFIX)) {
                broken.add("annotation camel.apache.org/kamelet.icon is an embedded " + ICON_PREFIX + "... image: "
                        + "found \"" + abbreviate(icon) + "\"");
            } else if (!isSvg(icon.substring(ICON_PREFIX.length()))) {
                broken.add("annotation camel.apache.org/kamelet.icon decodes to an SVG document: it does not");
            }
            String version = annotations.path("camel.apache.org/catalog.version").asText();
            require(version.equals(project.version()),
                    "annotation camel.apache.org/catalog.version is the project's version (" + project.version() + ")",
                    version.isEmpty() ? "none" : version);
            require(!annotations.path("camel.apache.org/provider").asText().isBlank(),
                    "annotation camel.apache.org/provider names who provides the Kamelet", "none");
            String level = annotations.path("camel.apache.org/kamelet.support.level").asText();
            require(SUPPORT_LEVELS.contains(level),
                    "annotation camel.apache.org/kamelet.support.level is one of " + SUPPORT_LEVELS, level);
            require(!annotations.path("camel.apache.org/kamelet.group").asText().isBlank(),
                    "annotation camel.apache.org/kamelet.group is set", "none");
            require(!annotations.path("camel.apache.org/kamelet.namespace").asText().isBlank(),
                    "annotation camel.apache.org/kamelet.namespace is set", "none");
        }

        private void definition(JsonNode definition, String type) {
            if (!definition.isObject()) {
                broken.add("spec.definition is a JSON schema: there is none");
                return;
            }
            String title = definition.path("title").asText();
            if (title.isBlank()) {
                broken.add("spec.definition.title is set: it is not");
            } else if (TYPES.contains(type)) {
                String typeWord = Character.toUpperCase(type.charAt(0)) + type.substring(1);
                require(title.endsWith(typeWord), "spec.definition.title ends with \"" + typeWord + "\"", title);
            }
            require(!definition.path("description").asText().isBlank(), "spec.definition.description is set", "none");
            require(definition.path("type").asText().equals("object"), "spec.definition.type is object",
                    definition.path("type").asText());

            JsonNode properties = definition.path("properties");
            Set<String> required = new HashSet<>();
            for (JsonNode entry : definition.path("required")) {
                String property = entry.asText();
                require(required.add(property), "a required property is listed once", property + " twice");
                require(properties.has(property), "a required property is defined", property + " is not");
            }
            for (Map.Entry<String, JsonNode> property : properties.properties()) {
                property(property.getKey(), property.getValue());
            }
        }

        private void property(String name, JsonNode property) {
            String at = "property " + name + ": ";
            require(!name.equals("id"), at + "id is a name reserved for every Kamelet", name);
            String type = property.path("type").asText();
            require(!type.isBlank(), at + "type is set", "none");

            String title = property.path("title").asText();
            if (title.isBlank()) {
                broken.add(at + "title is set: it is not");
            } else {
                for (String article : List.of("The ", "A ", "An ")) {
                    require(!title.startsWith(article), at + "title does not start with \"" + article.trim() + "\"",
                            title);
                }
                List<String> lowerCase = new ArrayList<>();
                for (String word : title.split(" ")) {
                    if (!word.isEmpty() && Character.isLowerCase(word.charAt(0)) && !SMALL_WORDS.contains(word)) {
                        lowerCase.add(word);
                    }
                }
                require(lowerCase.isEmpty(), at + "title capitalizes its words", "\"" + title + "\" has " + lowerCase);
            }
            require(!property.path("description").asText().isBlank(), at + "description is set", "none");

            String format = property.path("format").asText();
            List<String> descriptors = new ArrayList<>();
            property.path("x-descriptors").forEach(d -> descriptors.add(d.asText()));
            require(!SECRET_NAME.matcher(name).matches() || format.equals("password"),
                    at + "a secret has format: password", format.isEmpty() ? "no format" : format);
            require(!format.equals("password") || descriptors.contains(CREDENTIALS),
                    at + "a password has x-descriptor " + CREDENTIALS, descriptors.toString());
            for (String descriptor : descriptors) {
                require(!descriptor.startsWith(DEPRECATED_DESCRIPTOR),
                        at + "x-descriptors do not use the deprecated " + DEPRECATED_DESCRIPTOR, descriptor);
            }
            require(new HashSet<>(descriptors).size() == descriptors.size(), at + "an x-descriptor is listed once",
                    descriptors.toString());

            for (String field : List.of("default", "example")) {
                JsonNode value = property.get(field);
                if (value == null) {
                    continue;
                }
                // a type outside JSON schema's (the catalog uses binary) is left to its tooling
                require(!SCHEMA_TYPES.contains(type) || hasType(value, type),
                        at + field + " has the property's type (" + type + ")", value.toString());
                require(!value.isTextual() || !PLACEHOLDER.matcher(value.asText()).find(),
                        at + field + " is a value, not a property placeholder", value.asText());
            }
        }

        private void template(JsonNode spec, String type, Set<String> used, Set<String> texts) {
            JsonNode template = spec.path("template");
            if (!template.isObject()) {
                broken.add("spec.template is set: it is not");
                return;
            }
            if (type.equals("source")) {
                require(mentions(texts, "kamelet:sink"), "a source sends to kamelet:sink", "it does not");
            } else if (type.equals("sink")) {
                require(mentions(texts, "kamelet:source"), "a sink consumes from kamelet:source", "it does not");
            }
            Set<String> declared = new LinkedHashSet<>();
            spec.path("definition").path("properties").properties().forEach(entry -> declared.add(entry.getKey()));
            template.path("beans").forEach(bean -> declared.add(bean.path("name").asText()));
            for (String parameter : used) {
                require(declared.contains(parameter), "a parameter the template uses is declared", parameter);
            }
            for (String property : declared) {
                require(used.contains(property), "a declared property is used by the template", property);
            }
        }

        private void dependencies(JsonNode spec, Set<String> templateTexts) {
            List<String> dependencies = new ArrayList<>();
            spec.path("dependencies").forEach(d -> dependencies.add(d.asText()));
            for (String dependency : dependencies) {
                require(DEPENDENCY.matcher(dependency).matches(),
                        "a dependency is camel:<component>, mvn:group:artifact:version or github:apache/...",
                        dependency);
            }
            require(dependencies.contains("camel:kamelet"), "spec.dependencies names camel:kamelet",
                    dependencies.toString());
            if (templateTexts.stream().anyMatch(text -> text.startsWith("provider:"))) {
                String jar = project.mavenDependency();
                require(dependencies.contains(jar), "a template calling provider: depends on " + jar,
                        dependencies.toString());
            }
        }

        /** Collects every text value of a template (its URIs among them) and the placeholders in them. */
        private static void scan(JsonNode node, Set<String> placeholders, Set<String> texts) {
            if (node.isTextual()) {
                texts.add(node.asText());
                Matcher matcher = PLACEHOLDER.matcher(node.asText());
                while (matcher.find()) {
                    placeholders.add(matcher.group(1));
                }
            }
            node.forEach(child -> scan(child, placeholders, texts));
        }

        private static boolean mentions(Set<String> texts, String uri) {
            return texts.stream().anyMatch(text -> text.contains(uri));
        }

        private static boolean hasType(JsonNode value, String type) {
            return switch (type) {
                case "string" -> value.isTextual();
                case "integer" -> value.isIntegralNumber();
                case "number" -> value.isNumber();
                case "boolean" -> value.isBoolean();
                case "array" -> value.isArray();
                case "object" -> value.isObject();
                default -> true;
            };
        }

        private static boolean isSvg(String base64) {
            try {
                byte[] svg = Base64.getDecoder().decode(base64);
                DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
                factory.setNamespaceAware(true);
                // an SVG may name its DTD; nothing outside the icon is read
                factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
                factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
                factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
                factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
                Element root = factory.newDocumentBuilder().parse(new ByteArrayInputStream(svg)).getDocumentElement();
                return root.getLocalName().equals("svg");
            } catch (Exception e) {
                return false;
            }
        }

        private static String abbreviate(String text) {
            return text.length() <= 40 ? text : text.substring(0, 40) + "...";
        }

        private void require(boolean kept, String rule, String found) {
            if (!kept) {
                broken.add(rule + ": " + found);
            }
        }
    }
}
