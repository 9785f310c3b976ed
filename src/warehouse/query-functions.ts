/**
 * The functions `s3bridge sql` may call: pure computations on the values a query reads from the
 * warehouse's tables. Nothing here reads a setting, a variable, a secret, a file or a URL, plans
 * another query (`json_serialize_plan`), or changes state (`nextval`, `setseed`, `write_log`).
 * Table functions are refused altogether (src/warehouse/query-tree.ts). A function missing here
 * is refused with its name; add it only when it computes from its arguments alone, and its
 * result grows with its arguments' sizes, not with their values (see SIZED_FUNCTIONS).
 */
const NAMES = `
  + - * / // % ** ^ & | ~ << >> @ && || ^@ <-> <=> <@ @> -> ->> ~~ !~~ ~~* !~~* ~~~ !__postfix

  abs acos acosh asin asinh atan atan2 atanh cbrt ceil ceiling cos cosh cot degrees divide even exp factorial
  fdiv floor fmod gamma gcd greatest greatest_common_divisor isfinite isinf isnan lcm least least_common_multiple
  lgamma ln log log10 log2 mod multiply nextafter pi pow power radians random round round_even roundbankers sign
  signbit sin sinh sqrt subtract tan tanh trunc xor add bit_count bit_length bit_position get_bit set_bit

  ascii bar base64 bin char_length character_length chr concat concat_ws contains decode
  encode ends_with format_bytes formatReadableDecimalSize formatReadableSize from_base64
  from_binary from_hex hamming hash hex ilike_escape instr jaccard lcase
  left left_grapheme len length length_grapheme like_escape lower ltrim md5 md5_number
  md5_number_lower md5_number_upper mismatches nfc_normalize not_ilike_escape not_like_escape octet_length ord
  parse_dirname parse_dirpath parse_filename parse_path position prefix regexp_escape regexp_extract
  regexp_extract_all regexp_full_match regexp_matches regexp_replace regexp_split_to_array replace
  reverse right right_grapheme rtrim sha1 sha256 split split_part starts_with str_split str_split_regex
  string_split string_split_regex string_to_array strip_accents strlen strpos substr substring
  substring_grapheme suffix to_base to_base64 to_binary to_hex translate trim ucase unbin unhex unicode upper
  url_decode url_encode uuid gen_random_uuid uuidv4 uuidv7 uuid_extract_timestamp uuid_extract_version

  age century current_date current_localtime current_localtimestamp date_add date_diff date_part date_sub
  date_trunc datediff datepart datesub datetrunc day dayname dayofmonth dayofweek dayofyear decade epoch
  epoch_ms epoch_ns epoch_us era get_current_time get_current_timestamp hour isodow isoyear julian last_day
  microsecond millennium millisecond minute month monthname nanosecond normalized_interval now quarter second
  strftime strptime time_bucket timezone timezone_hour timezone_minute to_centuries to_days to_decades
  to_hours to_microseconds to_millennia to_milliseconds to_minutes to_months to_quarters to_seconds
  to_timestamp to_weeks to_years today transaction_timestamp try_strptime week weekday weekofyear year
  yearweek make_date make_time make_timestamp make_timestamp_ms make_timestamp_ns make_timestamptz

  array_append array_cat array_concat array_contains array_cosine_distance array_cosine_similarity
  array_cross_product array_distance array_distinct array_dot_product array_extract array_filter
  array_grade_up array_has array_has_all array_has_any array_indexof array_inner_product array_intersect
  array_length array_negative_dot_product array_negative_inner_product array_pop_back array_pop_front
  array_position array_prepend array_push_back array_push_front array_reverse
  array_reverse_sort array_select array_slice array_sort array_to_json array_to_string array_transform
  array_unique array_value array_where array_zip array_apply array_aggr array_aggregate
  cardinality element_at flatten generate_subscripts grade_up list_aggr list_aggregate
  list_any_value list_append list_apply list_approx_count_distinct list_avg list_bit_and list_bit_or
  list_bit_xor list_bool_and list_bool_or list_cat list_concat list_contains list_cosine_distance
  list_cosine_similarity list_count list_distance list_distinct list_dot_product list_element list_entropy
  list_extract list_filter list_first list_grade_up list_has list_has_all list_has_any list_histogram
  list_indexof list_inner_product list_intersect list_kurtosis list_kurtosis_pop list_last list_mad list_max
  list_median list_min list_mode list_negative_dot_product list_negative_inner_product list_pack
  list_position list_prepend list_product list_reverse list_reverse_sort list_select
  list_sem list_skewness list_slice list_sort list_stddev_pop list_stddev_samp list_string_agg list_sum
  list_transform list_unique list_value list_var_pop list_var_samp list_where list_zip filter
  apply unnest unpivot_list
  map map_concat map_contains map_contains_entry map_contains_value map_entries map_extract
  map_extract_value map_from_entries map_keys map_values row struct_concat struct_contains struct_extract
  struct_extract_at struct_has struct_indexof struct_insert struct_pack struct_position struct_update
  union_extract union_tag union_value enum_code enum_first enum_last enum_range enum_range_boundary

  from_json from_json_strict json json_array json_array_length  json_exists json_extract
  json_extract_path json_extract_path_text json_extract_string json_keys  json_object
  json_pretty json_quote  json_transform json_transform_strict json_type json_valid json_value
  row_to_json to_json

  coalesce ifnull nullif typeof error current_database current_schema current_catalog version grouping
  grouping_id is_histogram_other_bin

  any_value approx_count_distinct approx_quantile approx_top_k arbitrary arg_max arg_max_null arg_min
  arg_min_null argmax argmin array_agg avg bit_and bit_or bit_xor bitstring_agg bool_and bool_or corr count
  count_if count_star countif covar_pop covar_samp entropy favg first fsum geomean geometric_mean
  group_concat histogram histogram_exact kahan_sum kurtosis kurtosis_pop last list listagg mad max max_by
  mean median min min_by mode product quantile quantile_cont quantile_disc regr_avgx regr_avgy regr_count
  regr_intercept regr_r2 regr_slope regr_sxx regr_sxy regr_syy reservoir_quantile sem skewness stddev
  stddev_pop stddev_samp string_agg sum sum_no_overflow sumkahan var_pop var_samp variance wavg weighted_avg
  json_group_array json_group_object

  row_number rank rank_dense dense_rank percent_rank cume_dist ntile lag lead first_value last_value nth_value
  fill
`;

/** Lower-cased names of the functions (scalar, aggregate and window) a query may call. */
export const QUERY_FUNCTIONS: ReadonlySet<string> = new Set(NAMES.split(/\s+/).filter(Boolean).map((n) => n.toLowerCase()));

/**
 * Functions whose result size is set by an argument's value, not by the rows read: DuckDB's
 * memory_limit does not govern one value, and its interrupt waits for the call to return, so
 * `repeat('x', 2000000000)` or `range(id * 1000000)` could hold the worker's memory and a core far
 * past the query's timeout. They are allowed only with that argument a constant under a cap
 * (the position is 0-based, `max` the largest result the constant may ask for).
 */
export const SIZED_FUNCTIONS: ReadonlyMap<string, { argument: number; max: number; what: string }> = new Map([
  ['lpad', { argument: 1, max: 10_000, what: 'length' }],
  ['rpad', { argument: 1, max: 10_000, what: 'length' }],
  ['equi_width_bins', { argument: 2, max: 1_000, what: 'bin count' }],
]);

/** `range`/`generate_series` as scalar functions: lists of at most this many constants' worth of elements. */
export const MAX_SERIES_LENGTH = 10_000;

/**
 * Functions refused even though they compute from their arguments alone, with the reason: their
 * cost is not bounded by their arguments' sizes, and DuckDB cannot interrupt them mid-call.
 */
export const UNBOUNDED_FUNCTIONS: ReadonlyMap<string, string> = new Map([
  ...['repeat', 'list_resize', 'array_resize'].map((n) => [n, 'its result\'s size is set by an argument\'s value, so one call could exhaust the worker\'s memory past DuckDB\'s memory_limit'] as const),
  ...['printf', 'format'].map((n) => [n, 'a width in its format pads to any size, so one call could exhaust the worker\'s memory past DuckDB\'s memory_limit; use || or concat'] as const),
  ...['list_reduce', 'array_reduce', 'reduce'].map((n) => [n,
    'a lambda that doubles its accumulator (a || a) builds a value of 2^n bytes in one call, past DuckDB\'s memory_limit; aggregate with string_agg or list functions'] as const),
  ...['json_structure', 'json_group_structure', 'json_contains', 'json_merge_patch'].map((n) => [n,
    'it recurses as deep as the JSON it is given, and a deeply nested document (from a table or a literal) overflows the worker\'s stack and kills it'] as const),
  ...['levenshtein', 'damerau_levenshtein', 'editdist3', 'jaro_similarity', 'jaro_winkler_similarity'].map((n) => [n,
    'its cost grows with the product of its inputs\' lengths and DuckDB cannot interrupt it at the query\'s timeout; hamming or mismatches compare equal-length strings'] as const),
]);

/** Functions that build a type from a structure argument (position 1): only a constant one, nested at most this deep. */
export const STRUCTURED_FUNCTIONS: ReadonlySet<string> = new Set(['from_json', 'from_json_strict', 'json_transform', 'json_transform_strict']);
export const MAX_STRUCTURE_DEPTH = 32;
