package ts26927.codegen;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Round trip of the schema examples through the Java models that openapi-generator made
 * (tests/codegen/test_java.py; docs/other-stacks.md, "Java: openapi-generator").
 *
 * <p>Usage: {@code RoundTrip EXAMPLES LABEL=INVOKER_PACKAGE[=own]...}. EXAMPLES holds one file
 * per example, named {@code NNN-Type.json}. For each generated set of models (its invoker
 * package, the models being in INVOKER_PACKAGE.model), a mapper reads each example into the
 * model class of its type and writes it back; and writes a new, unset instance of each type.
 * The mapper is the generated {@code JSON} class's, or with {@code =own} a plain
 * {@code ObjectMapper} with the settings docs/other-stacks.md names. One JSON line per case on standard output: {@code document},
 * {@code case} (the file, or {@code new Type}), {@code type}, and either {@code json} (what
 * was written) or {@code error} and {@code message} (any Throwable, StackOverflowError
 * included).
 */
public final class RoundTrip {
  private static final ObjectMapper OUT = new ObjectMapper();

  private RoundTrip() {}

  public static void main(String[] args) throws Exception {
    Path examples = Path.of(args[0]);
    List<Path> files;
    try (Stream<Path> listing = Files.list(examples)) {
      files = listing.filter(p -> p.toString().endsWith(".json")).sorted().collect(Collectors.toList());
    }
    for (int i = 1; i < args.length; i++) {
      String[] labelled = args[i].split("=", 3);
      String label = labelled[0];
      String invoker = labelled[1];
      ObjectMapper mapper = labelled.length > 2 ? own() : generated(invoker);
      TreeSet<String> types = new TreeSet<>();
      for (Path file : files) {
        String name = file.getFileName().toString();
        String type = name.substring(name.indexOf('-') + 1, name.length() - ".json".length());
        types.add(type);
        String text = Files.readString(file, StandardCharsets.UTF_8);
        ObjectNode line = start(label, name, type);
        try {
          Object model = mapper.readValue(text, Class.forName(invoker + ".model." + type));
          line.put("json", mapper.writeValueAsString(model));
        } catch (Throwable t) {
          failed(line, t);
        }
        print(line);
      }
      for (String type : types) {
        ObjectNode line = start(label, "new " + type, type);
        try {
          Class<?> cls = Class.forName(invoker + ".model." + type);
          line.put("json", mapper.writeValueAsString(cls.getDeclaredConstructor().newInstance()));
        } catch (Throwable t) {
          failed(line, t);
        }
        print(line);
      }
    }
  }

  /** The mapper of the generated {@code JSON} class. */
  private static ObjectMapper generated(String invoker) throws Exception {
    Object json = Class.forName(invoker + ".JSON").getMethod("getDefault").invoke(null);
    return (ObjectMapper) json.getClass().getMethod("getMapper").invoke(json);
  }

  /** An ObjectMapper of one's own, set up as docs/other-stacks.md says. */
  private static ObjectMapper own() {
    return new ObjectMapper()
        .registerModule(new JavaTimeModule())
        .setSerializationInclusion(JsonInclude.Include.NON_NULL)
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
  }

  private static ObjectNode start(String label, String name, String type) {
    ObjectNode line = OUT.createObjectNode();
    line.put("document", label);
    line.put("case", name);
    line.put("type", type);
    return line;
  }

  private static void failed(ObjectNode line, Throwable t) {
    line.put("error", t.getClass().getName());
    String message = String.valueOf(t.getMessage());
    line.put("message", message.length() > 500 ? message.substring(0, 500) : message);
  }

  private static void print(ObjectNode line) throws IOException {
    System.out.println(OUT.writeValueAsString(line));
  }
}
