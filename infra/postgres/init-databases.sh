#!/usr/bin/env bash
# One database per service, each owned by a user of the same name that may connect to no other
# database: auth-service gets `auth`, forum-service gets `forum` (their QUARKBAR_DB_URL and
# QUARKBAR_DB_USER). Flyway creates the tables when each service starts.
#
# The postgres image runs this once, when its data directory is empty, from
# /docker-entrypoint-initdb.d/ (docker-compose.yml and infra/postgres/postgres.yaml mount it there),
# as POSTGRES_USER against the server it has started for initialisation. The image sources the file
# instead of running it when it is not executable, so the shell options are exactly the image's own.
set -Eeo pipefail

# create_database NAME PASSWORD_VARIABLE: the user NAME, with the password in the environment
# variable PASSWORD_VARIABLE, and the database NAME that it owns. psql reads the password from the
# environment itself (\getenv), so it never shows in a command line, and quotes both values.
create_database() {
  local name=$1 password_variable=$2
  if [[ -z "${!password_variable:-}" ]]; then
    echo "init-databases.sh: $password_variable is empty; set it (see .env.example)" >&2
    return 1
  fi
  psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname postgres \
    --set=name="$name" --set=password_variable="$password_variable" <<'SQL'
\getenv password :password_variable
CREATE ROLE :"name" LOGIN PASSWORD :'password';
CREATE DATABASE :"name" OWNER :"name";
REVOKE ALL ON DATABASE :"name" FROM PUBLIC;
SQL
}

create_database auth QUARKBAR_AUTH_DB_PASSWORD
create_database forum QUARKBAR_FORUM_DB_PASSWORD
