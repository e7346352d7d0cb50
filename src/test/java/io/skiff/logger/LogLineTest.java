package io.skiff.logger;

import static org.junit.jupiter.api.Assertions.*;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializers;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

class LogLineTest {
  static final LogLine LINE = new LogLine("my-app", LogLine.Source.ROUTER, "web.1", 1_767_225_600_123_456_789L,
      "password=hunter2", true, "tcp:/127.0.0.1:4000", 42);

  @Test
  void roundTripsThroughCbor() throws Exception {
    ActorTestKit kit = ActorTestKit.create("LogLineTest", ConfigFactory.parseResources("serialization.conf"));
    try {
      Serialization s = SerializationExtension.get(akka.actor.typed.javadsl.Adapter.toClassic(kit.system()));
      var serializer = s.findSerializerFor(LINE);
      byte[] bytes = s.serialize(LINE).get();
      assertEquals(LINE, s.deserialize(bytes, serializer.identifier(), Serializers.manifestFor(serializer, LINE)).get());
      assertTrue(serializer.getClass().getName().contains("Jackson"), serializer.getClass().getName());
    } finally {
      kit.shutdownTestKit();
    }
  }

  @Test
  void toStringPrintsNoMessageText() {
    String s = LINE.toString();
    assertFalse(s.contains("hunter2"), s);
    assertTrue(s.contains("my-app") && s.contains("router[web.1]") && s.contains("truncated"), s);
  }

  @Test
  void drainTokenElementEscapes() {
    assertEquals("[skiff@32473 token=\"d.1\" app=\"a\\\"\\]\\\\\"]", DrainToken.element("d.1", "a\"]\\"));
    assertTrue(DrainToken.generate().matches("d\\.[0-9a-f-]{36}"));
  }
}
