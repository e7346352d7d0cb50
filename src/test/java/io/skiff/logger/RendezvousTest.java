package io.skiff.logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RendezvousTest {
  private static String best(String app, List<String> nodes) {
    String best = null;
    long score = Long.MIN_VALUE;
    for (String n : nodes) {
      long s = Rendezvous.score(app, n);
      if (best == null || s > score) {
        best = n;
        score = s;
      }
    }
    return best;
  }

  @Test
  void onlyTheLeavingNodesAppsMoveAndLoadSpreads() {
    List<String> three = List.of("akka://skiff@127.0.0.1:1", "akka://skiff@127.0.0.1:2", "akka://skiff@127.0.0.1:3");
    List<String> two = three.subList(0, 2);
    Map<String, Integer> load = new HashMap<>();
    int moved = 0;
    for (int i = 0; i < 3000; i++) {
      String app = "app-" + i;
      String before = best(app, three);
      load.merge(before, 1, Integer::sum);
      String after = best(app, two);
      if (!before.equals(three.get(2))) assertEquals(before, after, app);
      else moved++;
    }
    for (int n : load.values()) assertTrue(n > 800 && n < 1200, load::toString);
    assertEquals(load.get(three.get(2)), moved);
  }
}
