package io.quarkbar.forum.support;

import java.util.List;
import java.util.Map;

/** Reading the JSON values a browser gets: objects are maps, numbers are longs. */
public final class Payloads {

  private Payloads() {}

  @SuppressWarnings("unchecked")
  public static Map<String, Object> map(Object value) {
    return (Map<String, Object>) value;
  }

  /** {@code object.key} as an object. */
  public static Map<String, Object> map(Map<String, Object> object, String key) {
    return map(object.get(key));
  }

  /** The {@code items} of a {@code Page}. */
  @SuppressWarnings("unchecked")
  public static List<Map<String, Object>> items(Map<String, Object> page) {
    return (List<Map<String, Object>>) page.get("items");
  }

  public static long number(Map<String, Object> object, String key) {
    return ((Number) object.get(key)).longValue();
  }

  public static long id(Map<String, Object> object) {
    return number(object, "id");
  }
}
