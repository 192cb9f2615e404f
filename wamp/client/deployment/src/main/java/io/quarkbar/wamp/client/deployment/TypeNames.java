package io.quarkbar.wamp.client.deployment;

import java.util.List;
import org.jboss.jandex.Type;

/**
 * A Jandex type as the canonical name Jackson's {@code TypeFactory.constructFromCanonical} reads
 * ({@code java.util.List<com.example.Post>}), without the annotations Jandex prints with it.
 */
final class TypeNames {

  private TypeNames() {}

  static String canonical(Type type) {
    return switch (type.kind()) {
      case CLASS, PRIMITIVE -> type.name().toString();
      case ARRAY ->
          canonical(type.asArrayType().constituent())
              + "[]".repeat(type.asArrayType().dimensions());
      case PARAMETERIZED_TYPE -> {
        List<Type> args = type.asParameterizedType().arguments();
        yield type.name()
            + "<"
            + String.join(",", args.stream().map(TypeNames::canonical).toList())
            + ">";
      }
      case WILDCARD_TYPE -> canonical(type.asWildcardType().extendsBound());
      case TYPE_VARIABLE -> {
        List<Type> bounds = type.asTypeVariable().bounds();
        yield bounds.isEmpty() ? "java.lang.Object" : canonical(bounds.getFirst());
      }
      default -> "java.lang.Object";
    };
  }
}
