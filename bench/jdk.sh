# Sourced by bench/run.sh: find_jdk prints the home of a JDK >= 25, looking where the ./tollgate launcher
# looks ($JAVA_HOME, /usr/lib/jvm, /opt/java, ~/.sdkman, ~/.jdks, java on PATH). Keep in step with ./tollgate.

java_major() { # prints the major version of the java binary $1, or nothing
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n1
}

find_jdk() {
  local candidates=() d home v
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  for d in /usr/lib/jvm/*25* /usr/lib/jvm/*-25-* /opt/java/*25* /opt/jdk*25* "$HOME"/.sdkman/candidates/java/25* \
           /Library/Java/JavaVirtualMachines/*25*/Contents/Home "$HOME"/.jdks/*25*; do
    [ -d "$d" ] && candidates+=("$d")
  done
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  for home in "${candidates[@]}"; do
    if [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ]; then
      v="$(java_major "$home/bin/java")"
      if [ -n "$v" ] && [ "$v" -ge 25 ]; then echo "$home"; return 0; fi
    fi
  done
  return 1
}
