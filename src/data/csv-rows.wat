;; The common path of the bar CSV row parser (src/data/csv-bars.ts), as WebAssembly: it runs at
;; full speed from the first row, where the JavaScript row loop runs interpreted until the JIT
;; has compiled it (about half of a 200k-row file's parse in a one-run process).
;;
;; It takes only rows it parses exactly as the JavaScript parser does — plain decimals of at
;; most 15 significant digits, `YYYY-MM-DD[ T]HH:MM[:SS[.f]][Z]` or an epoch integer — and
;; stops at any other row (status 2), which the JavaScript parser then reads: so every value
;; is the one `parseNumberField`, `parseTimestamp` and `parseTimeOfDay` give, bit for bit,
;; and every error is theirs. The arithmetic is theirs too, in the same f64 operations.
;;
;; Memory layout (JavaScript writes the roles and the input, reads the columns):
;;   256..439   10^0 .. 10^22 as f64
;;   512..767   the role of each header column (csv-bars.ts ROLE), one byte each
;;   out..      seven f64 columns of `stride` rows each: ts, open, high, low, close, volume, line
;;   input      the text, at the addresses passed in
(module
  ;; Memory comes from JavaScript, made at its full size: growing a memory detaches its old
  ;; ArrayBuffer, and one detached buffer makes V8 check every typed-array access of the
  ;; process for detachment from then on (its ArrayBufferDetaching protector).
  (import "env" "memory" (memory 1))
  (data (i32.const 256)
    "\00\00\00\00\00\00\f0\3f" "\00\00\00\00\00\00\24\40" "\00\00\00\00\00\00\59\40" "\00\00\00\00\00\40\8f\40"
    "\00\00\00\00\00\88\c3\40" "\00\00\00\00\00\6a\f8\40" "\00\00\00\00\80\84\2e\41" "\00\00\00\00\d0\12\63\41"
    "\00\00\00\00\84\d7\97\41" "\00\00\00\00\65\cd\cd\41" "\00\00\00\20\5f\a0\02\42" "\00\00\00\e8\76\48\37\42"
    "\00\00\00\a2\94\1a\6d\42" "\00\00\40\e5\9c\30\a2\42" "\00\00\90\1e\c4\bc\d6\42" "\00\00\34\26\f5\6b\0c\43"
    "\00\80\e0\37\79\c3\41\43" "\00\a0\d8\85\57\34\76\43" "\00\c8\4e\67\6d\c1\ab\43" "\00\3d\91\60\e4\58\e1\43"
    "\40\8c\b5\78\1d\af\15\44" "\50\ef\e2\d6\e4\1a\4b\44" "\92\d5\4d\06\cf\f0\80\44")

  ;; Results of `parseRows`: where parsing stopped, rows written, lines seen (JavaScript sets it before the call).
  (global $pos (export "pos") (mut i32) (i32.const 0))
  (global $rows (export "rowCount") (mut i32) (i32.const 0))
  (global $line (export "line") (mut f64) (f64.const 0))
  ;; End of the last number field read by $number (the index of its delimiter).
  (global $fieldEnd (mut i32) (i32.const 0))
  ;; The last date parsed: its ten characters and its value (bars of one day share their date).
  (global $dateHead (mut i64) (i64.const 0))
  (global $dateTail (mut i32) (i32.const -1))
  (global $dateValue (mut f64) (f64.const nan))

  ;; `n` decimal digits at `s` as an integer, or -1 (digitsAt).
  (func $digits (param $s i32) (param $n i32) (result i32)
    (local $v i32) (local $c i32) (local $e i32)
    (local.set $e (i32.add (local.get $s) (local.get $n)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $s) (local.get $e)))
        (local.set $c (i32.sub (i32.load8_u (local.get $s)) (i32.const 48)))
        (if (i32.gt_u (local.get $c) (i32.const 9)) (then (return (i32.const -1))))
        (local.set $v (i32.add (i32.mul (local.get $v) (i32.const 10)) (local.get $c)))
        (local.set $s (i32.add (local.get $s) (i32.const 1)))
        (br $next)))
    (local.get $v))

  ;; parseNumberField's exact path: [-]digits[.digits] up to a comma or `lineEnd`, at most 15
  ;; significant digits and 22 decimals: mantissa / 10^k. NaN for anything else (the caller
  ;; leaves the row to JavaScript). Sets $fieldEnd.
  (func $number (param $s i32) (param $lineEnd i32) (result f64)
    (local $i i32) (local $neg i32) (local $mant i64) (local $digits i32) (local $frac i32) (local $c i32) (local $v f64)
    (local.set $i (local.get $s))
    (local.set $frac (i32.const -1))
    (if (i32.eq (i32.load8_u (local.get $i)) (i32.const 45))
      (then (local.set $neg (i32.const 1)) (local.set $i (i32.add (local.get $i) (i32.const 1)))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $lineEnd)))
        (local.set $c (i32.load8_u (local.get $i)))
        (if (i32.le_u (i32.sub (local.get $c) (i32.const 48)) (i32.const 9))
          (then
            (local.set $mant (i64.add (i64.mul (local.get $mant) (i64.const 10))
              (i64.extend_i32_u (i32.sub (local.get $c) (i32.const 48)))))
            (if (i64.ne (local.get $mant) (i64.const 0)) (then (local.set $digits (i32.add (local.get $digits) (i32.const 1)))))
            (if (i32.ge_s (local.get $frac) (i32.const 0)) (then (local.set $frac (i32.add (local.get $frac) (i32.const 1))))))
          (else
            (br_if $done (i32.or (i32.ne (local.get $c) (i32.const 46)) (i32.ge_s (local.get $frac) (i32.const 0))))
            (local.set $frac (i32.const 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (if (i32.eqz
          (i32.and
            (i32.and
              (i32.or (i32.eq (local.get $i) (local.get $lineEnd)) (i32.eq (local.get $c) (i32.const 44)))
              (i32.le_s (local.get $digits) (i32.const 15)))
            (i32.and
              (i32.gt_u (local.get $i) (i32.add (local.get $s) (local.get $neg)))
              (i32.and (i32.ne (local.get $frac) (i32.const 0)) (i32.le_s (local.get $frac) (i32.const 22))))))
      (then (return (f64.const nan))))
    (global.set $fieldEnd (local.get $i))
    (local.set $v
      (if (result f64) (i32.le_s (local.get $frac) (i32.const 0))
        (then (f64.convert_i64_u (local.get $mant)))
        (else (f64.div (f64.convert_i64_u (local.get $mant)) (f64.load (i32.add (i32.const 256) (i32.shl (local.get $frac) (i32.const 3))))))))
    (if (result f64) (local.get $neg) (then (f64.neg (local.get $v))) (else (local.get $v))))

  ;; daysFromCivil (Hinnant), in the same f64 operations.
  (func $daysFromCivil (param $year f64) (param $month f64) (param $day f64) (result f64)
    (local $y f64) (local $era f64) (local $yoe f64) (local $mp f64) (local $doy f64) (local $doe f64)
    (local.set $y (if (result f64) (f64.le (local.get $month) (f64.const 2))
      (then (f64.sub (local.get $year) (f64.const 1))) (else (local.get $year))))
    (local.set $era (f64.floor (f64.div (local.get $y) (f64.const 400))))
    (local.set $yoe (f64.sub (local.get $y) (f64.mul (local.get $era) (f64.const 400))))
    ;; (month + 9) % 12 for month 1..12
    (local.set $mp (f64.add (local.get $month) (f64.const 9)))
    (if (f64.ge (local.get $mp) (f64.const 12)) (then (local.set $mp (f64.sub (local.get $mp) (f64.const 12)))))
    (local.set $doy (f64.sub (f64.add (f64.floor (f64.div (f64.add (f64.mul (f64.const 153) (local.get $mp)) (f64.const 2)) (f64.const 5)))
      (local.get $day)) (f64.const 1)))
    (local.set $doe (f64.add (f64.sub (f64.add (f64.mul (local.get $yoe) (f64.const 365)) (f64.floor (f64.div (local.get $yoe) (f64.const 4))))
      (f64.floor (f64.div (local.get $yoe) (f64.const 100)))) (local.get $doy)))
    (f64.sub (f64.add (f64.mul (local.get $era) (f64.const 146097)) (local.get $doe)) (f64.const 719468)))

  ;; parseDate: `YYYY-MM-DD` (or with `/`) at `s` → µs at midnight UTC, or NaN.
  (func $date (param $s i32) (result f64)
    (local $y i32) (local $sep i32) (local $m i32) (local $d i32)
    (local.set $y (call $digits (local.get $s) (i32.const 4)))
    (local.set $sep (i32.load8_u (i32.add (local.get $s) (i32.const 4))))
    (if (i32.or (i32.lt_s (local.get $y) (i32.const 0))
          (i32.or (i32.and (i32.ne (local.get $sep) (i32.const 45)) (i32.ne (local.get $sep) (i32.const 47)))
            (i32.ne (i32.load8_u (i32.add (local.get $s) (i32.const 7))) (local.get $sep))))
      (then (return (f64.const nan))))
    (local.set $m (call $digits (i32.add (local.get $s) (i32.const 5)) (i32.const 2)))
    (local.set $d (call $digits (i32.add (local.get $s) (i32.const 8)) (i32.const 2)))
    (if (i32.or (i32.or (i32.lt_s (local.get $m) (i32.const 1)) (i32.gt_s (local.get $m) (i32.const 12)))
          (i32.or (i32.lt_s (local.get $d) (i32.const 1)) (i32.gt_s (local.get $d) (i32.const 31))))
      (then (return (f64.const nan))))
    (f64.mul
      (call $daysFromCivil (f64.convert_i32_s (local.get $y)) (f64.convert_i32_s (local.get $m)) (f64.convert_i32_s (local.get $d)))
      (f64.const 86400000000)))

  ;; $date of the ten characters at `s`, from the last call's result when they are the same.
  (func $sameDate (param $s i32) (result f64)
    (local $head i64) (local $tail i32)
    (local.set $head (i64.load (local.get $s)))
    (local.set $tail (i32.load16_u (i32.add (local.get $s) (i32.const 8))))
    (if (i32.and (i64.eq (local.get $head) (global.get $dateHead)) (i32.eq (local.get $tail) (global.get $dateTail)))
      (then (return (global.get $dateValue))))
    (global.set $dateValue (call $date (local.get $s)))
    (global.set $dateHead (local.get $head))
    (global.set $dateTail (local.get $tail))
    (global.get $dateValue))

  ;; parseTimeOfDay: `HH:MM[:SS[.ffffff]]` in [s, e) → µs since midnight, or NaN.
  (func $timeOfDay (param $s i32) (param $e i32) (result f64)
    (local $h i32) (local $mi i32) (local $sec i32) (local $us f64) (local $frac f64) (local $scale f64) (local $i i32) (local $c i32) (local $last i32)
    (block $trimmed
      (loop $lead
        (br_if $trimmed (i32.ge_u (local.get $s) (local.get $e)))
        (br_if $trimmed (i32.ne (i32.load8_u (local.get $s)) (i32.const 32)))
        (local.set $s (i32.add (local.get $s) (i32.const 1)))
        (br $lead)))
    (block $trimmed
      (loop $trail
        (br_if $trimmed (i32.le_u (local.get $e) (local.get $s)))
        (local.set $last (i32.load8_u (i32.sub (local.get $e) (i32.const 1))))
        (br_if $trimmed (i32.and (i32.ne (local.get $last) (i32.const 32)) (i32.ne (local.get $last) (i32.const 90))))
        (local.set $e (i32.sub (local.get $e) (i32.const 1)))
        (br $trail)))
    (if (i32.or (i32.lt_s (i32.sub (local.get $e) (local.get $s)) (i32.const 5))
          (i32.ne (i32.load8_u (i32.add (local.get $s) (i32.const 2))) (i32.const 58)))
      (then (return (f64.const nan))))
    (local.set $h (call $digits (local.get $s) (i32.const 2)))
    (local.set $mi (call $digits (i32.add (local.get $s) (i32.const 3)) (i32.const 2)))
    (if (i32.or (i32.or (i32.lt_s (local.get $h) (i32.const 0)) (i32.gt_s (local.get $h) (i32.const 24)))
          (i32.or (i32.lt_s (local.get $mi) (i32.const 0)) (i32.gt_s (local.get $mi) (i32.const 59))))
      (then (return (f64.const nan))))
    (local.set $us (f64.mul (f64.convert_i32_s (i32.add (i32.mul (local.get $h) (i32.const 3600)) (i32.mul (local.get $mi) (i32.const 60))))
      (f64.const 1000000)))
    (if (i32.eq (i32.sub (local.get $e) (local.get $s)) (i32.const 5)) (then (return (local.get $us))))
    (if (i32.or (i32.ne (i32.load8_u (i32.add (local.get $s) (i32.const 5))) (i32.const 58))
          (i32.lt_s (i32.sub (local.get $e) (local.get $s)) (i32.const 8)))
      (then (return (f64.const nan))))
    (local.set $sec (call $digits (i32.add (local.get $s) (i32.const 6)) (i32.const 2)))
    (if (i32.or (i32.lt_s (local.get $sec) (i32.const 0)) (i32.gt_s (local.get $sec) (i32.const 60)))
      (then (return (f64.const nan))))
    (local.set $us (f64.add (local.get $us) (f64.mul (f64.convert_i32_s (local.get $sec)) (f64.const 1000000))))
    (if (i32.eq (i32.sub (local.get $e) (local.get $s)) (i32.const 8)) (then (return (local.get $us))))
    (if (i32.ne (i32.load8_u (i32.add (local.get $s) (i32.const 8))) (i32.const 46)) (then (return (f64.const nan))))
    (local.set $scale (f64.const 100000))
    (local.set $i (i32.add (local.get $s) (i32.const 9)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $e)))
        (local.set $c (i32.sub (i32.load8_u (local.get $i)) (i32.const 48)))
        (if (i32.gt_u (local.get $c) (i32.const 9)) (then (return (f64.const nan))))
        (if (f64.ge (local.get $scale) (f64.const 1))
          (then (local.set $frac (f64.add (local.get $frac) (f64.mul (f64.convert_i32_s (local.get $c)) (local.get $scale))))))
        (local.set $scale (f64.div (local.get $scale) (f64.const 10)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (f64.add (local.get $us) (f64.floor (local.get $frac))))

  ;; parseTimestamp's plain forms in [s, e): a date, a date and a time without an offset, or
  ;; an epoch integer; NaN for the rest (quotes, spaces, offsets, bad values: JavaScript's).
  (func $timestamp (param $s i32) (param $e i32) (result f64)
    (local $len i32) (local $day f64) (local $sep i32) (local $last i32) (local $tod f64) (local $v f64) (local $a f64)
    (local.set $len (i32.sub (local.get $e) (local.get $s)))
    (if (i32.le_s (local.get $len) (i32.const 0)) (then (return (f64.const nan))))
    (if (i32.or (i32.or (i32.eq (i32.load8_u (local.get $s)) (i32.const 32)) (i32.eq (i32.load8_u (local.get $s)) (i32.const 34)))
          (i32.eq (i32.load8_u (i32.sub (local.get $e) (i32.const 1))) (i32.const 32)))
      (then (return (f64.const nan))))
    (local.set $sep (i32.load8_u (i32.add (local.get $s) (i32.const 4))))
    (if (i32.and (i32.ge_s (local.get $len) (i32.const 10))
          (i32.or (i32.eq (local.get $sep) (i32.const 45)) (i32.eq (local.get $sep) (i32.const 47))))
      (then
        (local.set $day (call $sameDate (local.get $s)))
        (if (f64.ne (local.get $day) (local.get $day)) (then (return (f64.const nan))))
        (if (i32.eq (local.get $len) (i32.const 10)) (then (return (local.get $day))))
        (local.set $sep (i32.load8_u (i32.add (local.get $s) (i32.const 10))))
        (if (i32.and (i32.ne (local.get $sep) (i32.const 84)) (i32.ne (local.get $sep) (i32.const 32))) (then (return (f64.const nan))))
        (local.set $last (i32.load8_u (i32.sub (local.get $e) (i32.const 6))))
        (if (i32.or (i32.eq (local.get $last) (i32.const 43))
              (i32.and (i32.eq (local.get $last) (i32.const 45)) (i32.gt_s (local.get $len) (i32.const 19))))
          (then (return (f64.const nan))))
        (local.set $tod (call $timeOfDay (i32.add (local.get $s) (i32.const 11)) (local.get $e)))
        (return (f64.add (local.get $day) (local.get $tod)))))
    ;; An epoch integer: the number path (a field holds no comma) and epochToMicros below 1e17.
    (local.set $v (call $number (local.get $s) (local.get $e)))
    (if (i32.or (f64.ne (local.get $v) (local.get $v)) (f64.ne (local.get $v) (f64.trunc (local.get $v))))
      (then (return (f64.const nan))))
    (local.set $a (f64.abs (local.get $v)))
    (if (f64.lt (local.get $a) (f64.const 1e11)) (then (return (f64.mul (local.get $v) (f64.const 1000000)))))
    (if (f64.lt (local.get $a) (f64.const 1e14)) (then (return (f64.mul (local.get $v) (f64.const 1000)))))
    (if (f64.lt (local.get $a) (f64.const 1e17)) (then (return (local.get $v))))
    (f64.const nan))

  ;; One row in [s, e) → the seven columns (`stride` rows apart) at row `r`; 0 when JavaScript must read it.
  (func $row (param $s i32) (param $e i32) (param $ncols i32) (param $out i32) (param $stride i32) (param $r i32) (result i32)
    (local $p i32) (local $k i32) (local $role i32) (local $q i32) (local $v f64)
    (local $ts f64) (local $tod f64) (local $o f64) (local $h f64) (local $l f64) (local $c f64) (local $vol f64) (local $col i32)
    (local.set $p (local.get $s))
    (local.set $ts (f64.const nan)) (local.set $o (f64.const nan)) (local.set $h (f64.const nan))
    (local.set $l (f64.const nan)) (local.set $c (f64.const nan))
    (block $fields
      (loop $field
        (br_if $fields (i32.ge_u (local.get $k) (local.get $ncols)))
        (if (i32.gt_u (local.get $k) (i32.const 0))
          (then
            (if (i32.ge_u (local.get $p) (local.get $e)) (then (return (i32.const 0)))) ;; too few fields: JavaScript's error
            (local.set $p (i32.add (local.get $p) (i32.const 1)))))
        (local.set $role (i32.load8_u (i32.add (i32.const 512) (local.get $k))))
        (if (i32.le_u (local.get $role) (i32.const 2))
          (then ;; skipped, timestamp or time of day: up to the comma
            (local.set $q (local.get $p))
            (block $end
              (loop $scan
                (br_if $end (i32.ge_u (local.get $q) (local.get $e)))
                (br_if $end (i32.eq (i32.load8_u (local.get $q)) (i32.const 44)))
                (local.set $q (i32.add (local.get $q) (i32.const 1)))
                (br $scan)))
            (if (i32.eq (local.get $role) (i32.const 1))
              (then
                (local.set $ts (call $timestamp (local.get $p) (local.get $q)))
                (if (f64.ne (local.get $ts) (local.get $ts)) (then (return (i32.const 0))))))
            (if (i32.eq (local.get $role) (i32.const 2))
              (then
                (local.set $tod (call $timeOfDay (local.get $p) (local.get $q)))
                (if (f64.ne (local.get $tod) (local.get $tod)) (then (return (i32.const 0))))))
            (local.set $p (local.get $q)))
          (else
            (local.set $v (call $number (local.get $p) (local.get $e)))
            (if (f64.ne (local.get $v) (local.get $v)) (then (return (i32.const 0))))
            (local.set $p (global.get $fieldEnd))
            (if (i32.eq (local.get $role) (i32.const 3)) (then (local.set $o (local.get $v))))
            (if (i32.eq (local.get $role) (i32.const 4)) (then (local.set $h (local.get $v))))
            (if (i32.eq (local.get $role) (i32.const 5)) (then (local.set $l (local.get $v))))
            (if (i32.eq (local.get $role) (i32.const 6)) (then (local.set $c (local.get $v))))
            (if (i32.eq (local.get $role) (i32.const 7)) (then (local.set $vol (local.get $v))))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $field)))
    (if (i32.ne (local.get $p) (local.get $e)) (then (return (i32.const 0)))) ;; too many fields: JavaScript's error
    (local.set $col (i32.shl (local.get $stride) (i32.const 3)))
    (local.set $q (i32.add (local.get $out) (i32.shl (local.get $r) (i32.const 3))))
    (f64.store (local.get $q) (f64.add (local.get $ts) (local.get $tod)))
    (local.set $q (i32.add (local.get $q) (local.get $col)))
    (f64.store (local.get $q) (local.get $o))
    (local.set $q (i32.add (local.get $q) (local.get $col)))
    (f64.store (local.get $q) (local.get $h))
    (local.set $q (i32.add (local.get $q) (local.get $col)))
    (f64.store (local.get $q) (local.get $l))
    (local.set $q (i32.add (local.get $q) (local.get $col)))
    (f64.store (local.get $q) (local.get $c))
    (local.set $q (i32.add (local.get $q) (local.get $col)))
    (f64.store (local.get $q) (local.get $vol))
    (i32.const 1))

  ;; Parses whole lines of [pos, end) into up to `cap` rows of the seven columns at `out`, each
  ;; `stride` rows long. Returns 0 when no complete
  ;; line is left, 1 when `cap` rows are written, 2 when the line at $pos is JavaScript's to read
  ;; (not counted in $line). Sets $pos, $rows and $line (blank lines are counted, not rows).
  (func (export "parseRows") (param $pos i32) (param $end i32) (param $ncols i32) (param $out i32) (param $stride i32) (param $cap i32) (result i32)
    (local $nl i32) (local $e i32) (local $r i32) (local $status i32) (local $mask i32)
    (block $stop
      (loop $line
        (if (i32.ge_u (local.get $r) (local.get $cap)) (then (local.set $status (i32.const 1)) (br $stop)))
        ;; The next newline, sixteen bytes at a time (the input has sixteen bytes of room after `end`).
        (local.set $nl (local.get $pos))
        (block $found
          (loop $scan
            (if (i32.ge_u (local.get $nl) (local.get $end)) (then (local.set $status (i32.const 0)) (br $stop)))
            (local.set $mask (i8x16.bitmask (i8x16.eq (v128.load (local.get $nl)) (i8x16.splat (i32.const 10)))))
            (if (local.get $mask)
              (then
                (local.set $nl (i32.add (local.get $nl) (i32.ctz (local.get $mask))))
                (if (i32.ge_u (local.get $nl) (local.get $end)) (then (local.set $status (i32.const 0)) (br $stop)))
                (br $found)))
            (local.set $nl (i32.add (local.get $nl) (i32.const 16)))
            (br $scan)))
        (local.set $e (local.get $nl))
        (if (i32.gt_u (local.get $e) (local.get $pos))
          (then (if (i32.eq (i32.load8_u (i32.sub (local.get $e) (i32.const 1))) (i32.const 13))
            (then (local.set $e (i32.sub (local.get $e) (i32.const 1)))))))
        (if (i32.gt_u (local.get $e) (local.get $pos))
          (then
            (if (i32.eqz (call $row (local.get $pos) (local.get $e) (local.get $ncols) (local.get $out) (local.get $stride) (local.get $r)))
              (then (local.set $status (i32.const 2)) (br $stop)))
            (global.set $line (f64.add (global.get $line) (f64.const 1)))
            (f64.store (i32.add (i32.add (local.get $out) (i32.mul (local.get $stride) (i32.const 48))) (i32.shl (local.get $r) (i32.const 3)))
              (global.get $line))
            (local.set $r (i32.add (local.get $r) (i32.const 1))))
          (else (global.set $line (f64.add (global.get $line) (f64.const 1)))))
        (local.set $pos (i32.add (local.get $nl) (i32.const 1)))
        (br $line)))
    (global.set $pos (local.get $pos))
    (global.set $rows (local.get $r))
    (local.get $status))
)
