package io.skiff;

import static org.junit.jupiter.api.Assertions.*;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.Adapter;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializers;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every class that can cross nodes or reach the journal (each CborSerializable record in the
 * main code) survives a round trip through Akka serialization with the node's real bindings.
 */
class SerializationRoundTripTest {
  static ActorTestKit testKit;
  static ActorRef<Object> ref;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create(ConfigFactory.parseResources("serialization.conf"));
    ref = testKit.<Object>createTestProbe().ref();
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @TestFactory
  Stream<DynamicTest> everyMessageRoundTrips() throws Exception {
    List<Class<?>> classes = serializableRecords();
    assertTrue(classes.size() >= 25, "found only " + classes);
    return classes.stream().map(c -> DynamicTest.dynamicTest(c.getName(), () -> roundTrip(sample(c))));
  }

  @org.junit.jupiter.api.Test
  void anUnsetConfigKeyKeepsItsNullAcrossNodes() {
    java.util.HashMap<String, String> values = new java.util.HashMap<>();
    values.put("GONE", null);
    values.put("KEPT", "1");
    roundTrip(new io.skiff.domain.ConfigPatch(values, null, null, null));
  }

  private static void roundTrip(Object message) {
    Serialization serialization = SerializationExtension.get(Adapter.toClassic(testKit.system()));
    byte[] bytes = serialization.serialize(message).get();
    var serializer = serialization.findSerializerFor(message);
    assertEquals("akka.serialization.jackson.JacksonCborSerializer", serializer.getClass().getName());
    Object back = serialization.deserialize(bytes, serializer.identifier(), Serializers.manifestFor(serializer, message)).get();
    assertEquals(message, back);
  }

  /** All concrete records below io.skiff implementing CborSerializable, found in target/classes. */
  private static List<Class<?>> serializableRecords() throws IOException, URISyntaxException, ClassNotFoundException {
    Path root = Paths.get(CborSerializable.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<Class<?>> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : files.filter(f -> f.toString().endsWith(".class")).toList()) {
        String name = root.relativize(p).toString().replace('/', '.').replaceAll("\\.class$", "");
        Class<?> c = Class.forName(name);
        if (c.isRecord() && CborSerializable.class.isAssignableFrom(c)) out.add(c);
      }
    }
    return out;
  }

  private static Object sample(Type type) throws ReflectiveOperationException {
    if (type instanceof ParameterizedType p) {
      Class<?> raw = (Class<?>) p.getRawType();
      Type[] args = p.getActualTypeArguments();
      if (raw == ActorRef.class) return ref;
      if (raw == akka.stream.SourceRef.class) {
        return akka.stream.javadsl.Source.<Object>empty().runWith(akka.stream.javadsl.StreamRefs.sourceRef(), testKit.system());
      }
      if (raw == akka.stream.SinkRef.class) {
        return akka.stream.javadsl.StreamRefs.<Object>sinkRef().to(akka.stream.javadsl.Sink.ignore()).run(testKit.system());
      }
      if (raw == Optional.class) return Optional.of(sample(args[0]));
      if (raw == Map.class) return Map.of("web", sample(args[1]));
      if (raw == TreeMap.class) return new TreeMap<>(Map.of("web", sample(args[1])));
      if (raw == List.class) return List.of(sample(args[0]));
      if (raw == TreeSet.class) return new TreeSet<>(List.of(sample(args[0])));
      throw new IllegalArgumentException("no sample for " + type);
    }
    Class<?> c = (Class<?>) type;
    if (c == String.class) return "sample";
    if (c == int.class || c == Integer.class) return 7;
    if (c == long.class || c == Long.class) return 7L;
    if (c == boolean.class || c == Boolean.class) return true;
    if (c == double.class || c == Double.class) return 1.5;
    if (c == Instant.class) return Instant.parse("2026-01-02T03:04:05.123456Z");
    if (c == ActorRef.class) return ref;
    if (c.isEnum()) return c.getEnumConstants()[c.getEnumConstants().length - 1];
    if (c.isRecord()) {
      RecordComponent[] components = c.getRecordComponents();
      Object[] values = new Object[components.length];
      Class<?>[] types = new Class<?>[components.length];
      for (int i = 0; i < components.length; i++) {
        values[i] = sample(components[i].getGenericType());
        types[i] = components[i].getType();
      }
      var ctor = c.getDeclaredConstructor(types);
      ctor.setAccessible(true);
      return ctor.newInstance(values);
    }
    throw new IllegalArgumentException("no sample for " + type);
  }
}
