package io.quarkbar.forum.service;

import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

/**
 * A thread's title, already trimmed: 1 to {@value ThreadService#TITLE_MAX} characters, and no NUL
 * (which PostgreSQL cannot store in text). Each rule broken is reported on its own.
 */
@NotBlank
@Size(max = ThreadService.TITLE_MAX, message = "must be at most {max} characters")
@Pattern(regexp = "[^\\x00]*", message = "must not contain the NUL character")
@Documented
@Constraint(validatedBy = {})
@Target(PARAMETER)
@Retention(RUNTIME)
public @interface Title {

  String message() default "is not a valid title";

  Class<?>[] groups() default {};

  Class<? extends Payload>[] payload() default {};
}
