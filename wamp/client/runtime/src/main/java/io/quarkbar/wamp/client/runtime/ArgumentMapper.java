package io.quarkbar.wamp.client.runtime;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkbar.wamp.client.EventDetails;
import io.quarkbar.wamp.client.InvocationDetails;
import io.quarkbar.wamp.client.WampException;
import io.quarkbar.wamp.client.runtime.MethodMetadata.ParameterKind;
import io.quarkbar.wamp.protocol.uri.WampUris;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a call's (or event's) arguments into a method's parameters, and a method's result into a
 * result's arguments, with the application's {@link ObjectMapper}: positional arguments fill the
 * data parameters in order; those left are filled from the keyword arguments by name, or, when the
 * method has a single data parameter of a record or bean type and the call sent only keyword
 * arguments, from all of them at once. A value that does not convert is {@code
 * wamp.error.invalid_argument}, with a sentence naming the parameter.
 */
final class ArgumentMapper {

  private final ObjectMapper mapper;
  private final MethodMetadata meta;
  private final JavaType[] types;
  private final Class<?>[] direct;
  private final JavaType resultType;
  private final int dataCount;

  ArgumentMapper(ObjectMapper mapper, MethodMetadata meta) {
    this.mapper = mapper;
    this.meta = meta;
    List<String> names = meta.getParameterTypes();
    this.types = new JavaType[names.size()];
    this.direct = new Class<?>[names.size()];
    int data = 0;
    for (int i = 0; i < types.length; i++) {
      types[i] = mapper.getTypeFactory().constructFromCanonical(names.get(i));
      direct[i] = direct(types[i]);
      if (meta.getParameterKinds().get(i) == ParameterKind.DATA) {
        data++;
      }
    }
    this.dataCount = data;
    this.resultType = mapper.getTypeFactory().constructFromCanonical(meta.getResultType());
  }

  /** The parameters for a call or event with {@code args} and {@code kwargs}. */
  Object[] parameters(
      List<Object> args,
      Map<String, Object> kwargs,
      InvocationDetails invocation,
      EventDetails event) {
    if (args.size() > dataCount) {
      throw invalid(
          meta.getUri() + " takes " + dataCount + " positional argument(s), got " + args.size());
    }
    Object[] out = new Object[types.length];
    int next = 0;
    for (int i = 0; i < types.length; i++) {
      switch (meta.getParameterKinds().get(i)) {
        case INVOCATION_DETAILS -> out[i] = invocation;
        case EVENT_DETAILS -> out[i] = event;
        case DATA -> {
          String name = meta.getParameterNames().get(i);
          if (next < args.size()) {
            out[i] = convert(args.get(next++), i, name);
          } else if (kwargs.containsKey(name)) {
            out[i] = convert(kwargs.get(name), i, name);
          } else if (dataCount == 1
              && args.isEmpty()
              && !kwargs.isEmpty()
              && isBeanLike(types[i])) {
            out[i] = convert(kwargs, i, name);
          } else if (types[i].isPrimitive()) {
            throw invalid(meta.getUri() + " needs argument " + name);
          } else if (types[i].hasRawClass(Optional.class)) {
            out[i] = Optional.empty();
          }
        }
      }
    }
    return out;
  }

  private static boolean isBeanLike(JavaType type) {
    Class<?> raw = type.getRawClass();
    return !type.isContainerType()
        && !type.isPrimitive()
        && !raw.getName().startsWith("java.")
        && !raw.isEnum()
        && !raw.isArray();
  }

  private Object convert(Object value, int i, String name) {
    Object fast = fast(value, direct[i]);
    if (fast != null) {
      return fast;
    }
    try {
      return mapper.convertValue(value, types[i]);
    } catch (IllegalArgumentException e) {
      throw invalid(
          "argument "
              + name
              + " of "
              + meta.getUri()
              + " is not a "
              + types[i].toCanonical()
              + ": "
              + firstLine(e));
    }
  }

  /**
   * The class a value may have to be passed as it is, for a type without type parameters (its boxed
   * class for a primitive); null for a type Jackson must convert to.
   */
  private static Class<?> direct(JavaType type) {
    if (type.hasGenericTypes() || type.isContainerType()) {
      return null;
    }
    Class<?> raw = type.getRawClass();
    return raw.isPrimitive()
        ? java.lang.invoke.MethodType.methodType(raw).wrap().returnType()
        : raw;
  }

  /**
   * {@code value} as {@code direct} without Jackson, where that needs no conversion or only a
   * number's widening or narrowing without loss: most arguments are strings and numbers, and a
   * round trip through Jackson costs more than the rest of an invocation. Null when Jackson must
   * decide (it also gives the error message for what does not convert).
   */
  private static Object fast(Object value, Class<?> direct) {
    if (value == null || direct == null) {
      return null;
    }
    if (direct.isInstance(value)) {
      return value;
    }
    if (value instanceof Long l) {
      if (direct == Integer.class && l == l.intValue()) {
        return l.intValue();
      }
      if (direct == Double.class && l == (long) l.doubleValue()) {
        return l.doubleValue();
      }
    }
    if (value instanceof Integer n && direct == Long.class) {
      return n.longValue();
    }
    return null;
  }

  private static String firstLine(Exception e) {
    String m = String.valueOf(e.getMessage());
    int cut = m.indexOf('\n');
    return cut < 0 ? m : m.substring(0, cut);
  }

  /** A result's positional arguments: none for nothing, else the value as plain data. */
  List<Object> result(Object value) {
    if (value instanceof Optional<?> o) {
      value = o.orElse(null);
      if (value == null) {
        return List.of();
      }
    }
    List<Object> args = new ArrayList<>(1);
    args.add(plain(value));
    return args;
  }

  Object plain(Object value) {
    return plain(mapper, value);
  }

  /** {@code value} as WAMP data: maps, lists, strings, numbers, booleans, binary, null. */
  static Object plain(ObjectMapper mapper, Object value) {
    return isPlain(value, 0) ? value : mapper.convertValue(value, Object.class);
  }

  /**
   * Whether {@code value} is WAMP data already (lists and string-keyed maps of such), so that it
   * goes out as it is; deeper than a few levels, Jackson decides.
   */
  private static boolean isPlain(Object value, int depth) {
    if (value == null
        || value instanceof String
        || value instanceof Long
        || value instanceof Integer
        || value instanceof Double
        || value instanceof Boolean
        || value instanceof byte[]) {
      return true;
    }
    if (depth > 4) {
      return false;
    }
    if (value instanceof List<?> list) {
      for (Object item : list) {
        if (!isPlain(item, depth + 1)) {
          return false;
        }
      }
      return true;
    }
    if (value instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!(e.getKey() instanceof String) || !isPlain(e.getValue(), depth + 1)) {
          return false;
        }
      }
      return true;
    }
    return false;
  }

  /**
   * Converts a result's first argument (or its keyword arguments) to the type a caller asked for.
   */
  static <T> T read(
      ObjectMapper mapper, JavaType type, List<Object> args, Map<String, Object> kwargs) {
    if (type.hasRawClass(Void.class)) {
      return null;
    }
    Object value;
    if (!args.isEmpty()) {
      value = args.size() == 1 || !type.isCollectionLikeType() ? args.getFirst() : args;
    } else if (!kwargs.isEmpty()) {
      value = kwargs;
    } else {
      value = null;
    }
    if (value == null && type.hasRawClass(Optional.class)) {
      @SuppressWarnings("unchecked")
      T empty = (T) Optional.empty();
      return empty;
    }
    Object fast = fast(value, direct(type));
    if (fast != null) {
      @SuppressWarnings("unchecked")
      T t = (T) fast;
      return t;
    }
    try {
      return mapper.convertValue(value, type);
    } catch (IllegalArgumentException e) {
      throw new WampException(
          WampUris.INVALID_ARGUMENT,
          "the result is not a " + type.toCanonical() + ": " + firstLine(e));
    }
  }

  JavaType resultType() {
    return resultType;
  }

  /** The positional arguments a caller passes, as plain data. */
  static List<Object> plainArgs(ObjectMapper mapper, Object... args) {
    List<Object> out = new ArrayList<>(args.length);
    for (Object a : args) {
      out.add(plain(mapper, a));
    }
    return out;
  }

  private static WampException invalid(String message) {
    return new WampException(WampUris.INVALID_ARGUMENT, message);
  }
}
